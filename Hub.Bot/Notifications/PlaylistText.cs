using System.Text;
using Hub.Bot.Menus;
using Hub.Bot.Telegram;
using Hub.Domain.Jobs;

namespace Hub.Bot.Notifications;

/// <summary>
/// How a finished playlist or batch reads (Telegram HTML, titles linked): counts (imported, already there, failed, skipped) and one line per item with
/// its link. Long lists show their first <see cref="MaxListed"/> items (Telegram's 4096 characters) and say how many more.
/// </summary>
public static class PlaylistText
{
    public const int MaxListed = 20;

    /// <summary>One child of the playlist: its title, how it ended, and its link when it is in the library.</summary>
    public sealed record Item(string Title, string State, bool Duplicate, string? Url);

    public static string Finished(Job parent, IReadOnlyList<Item> items)
    {
        var title = BotSender.Html(Texts.Trim(parent.Title ?? parent.Source ?? "your playlist", 200));
        var imported = items.Count(i => i.State == JobStates.Completed && !i.Duplicate);
        var already = items.Count(i => i.State == JobStates.Completed && i.Duplicate);
        var failed = items.Count(i => i.State == JobStates.Failed);
        var skipped = items.Count(i => i.State == JobStates.Cancelled);
        var sb = new StringBuilder();
        sb.Append(parent.State switch
        {
            JobStates.Completed => "✅ Done: ",
            JobStates.Cancelled => "✖ Cancelled: ",
            _ => "❌ Failed: ",
        }).Append(title);
        var counts = new List<string> { $"{imported} imported" };
        if (already > 0)
        {
            counts.Add($"{already} already in the library");
        }
        counts.Add($"{failed} failed");
        counts.Add($"{skipped} skipped");
        sb.Append('\n').Append(string.Join(" · ", counts)).Append(" (of ").Append(items.Count).Append(')');
        var n = 0;
        foreach (var item in items.Take(MaxListed))
        {
            n++;
            var itemTitle = Texts.Trim(item.Title, 80);
            sb.Append('\n').Append(n).Append(". ").Append(Mark(item)).Append(' ')
                .Append(item.Url is null ? BotSender.Html(itemTitle) : BotSender.Link(item.Url, itemTitle));
        }
        if (items.Count > MaxListed)
        {
            sb.Append("\n… and ").Append(items.Count - MaxListed).Append(" more: see /recent.");
        }
        return sb.ToString();
    }

    private static string Mark(Item item) => item.State switch
    {
        JobStates.Completed => "✅",
        JobStates.Failed => "❌",
        JobStates.Cancelled => "⏭",
        _ => "⏳",
    };
}
