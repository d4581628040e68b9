using Hub.Bot.Telegram;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Hub.Bot.Commands;

/// <summary>The commands the bot knows, as registered with setMyCommands, and how a message names one.</summary>
public static class CommandList
{
    /// <summary>The menu everyone sees.</summary>
    public static readonly IReadOnlyList<BotCommand> Everyone =
    [
        new("start", "Start here"),
        new("help", "What you can send"),
        new("add", "Import a link: /add <url>"),
        new("search", "Search the library: /search <words>"),
        new("recent", "Recently added"),
        new("jobs", "Imports in progress"),
        new("cancel", "Cancel an import: /cancel <id>"),
        new("follow", "Follow a channel or feed: /follow <url>"),
        new("following", "What you follow: pause or remove"),
        new("settings", "Your settings: format, preview, files or links"),
        new("link", "Link your browser: /link <code>"),
    ];

    /// <summary>The menu in an admin's private chat: everyone's commands and the admin ones.</summary>
    public static readonly IReadOnlyList<BotCommand> All =
    [
        .. Everyone,
        new("inbox", "Imports waiting for approval, unmatched files"),
        new("scan", "Scan a library's folder: /scan [library]"),
        new("contacts", "Who may use the bot"),
    ];

    /// <summary>
    /// The command at the start of a message ("/search cats" → ("search", "cats")), or null. Uses the bot_command entity
    /// when present; "/cmd@OtherBot" addressed to another bot in a group is not ours.
    /// </summary>
    public static (string Name, string Args)? Parse(Message message, string? botUsername)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = message.Text;
        if (string.IsNullOrEmpty(text) || text[0] != '/')
        {
            return null;
        }
        var length = message.Entities?.FirstOrDefault(e => e.Type == MessageEntityType.BotCommand && e.Offset == 0)?.Length
            ?? (text.IndexOfAny([' ', '\n']) is var i and >= 0 ? i : text.Length);
        length = Math.Min(length, text.Length);
        var name = text[1..length];
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            if (botUsername is not null && !name[(at + 1)..].Equals(botUsername, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
            name = name[..at];
        }
        return name.Length == 0 ? null : (name.ToLowerInvariant(), text[length..].Trim());
    }

    /// <summary>http(s) links in a message: url entities, text links, and bare words that look like links.</summary>
    public static IReadOnlyList<string> Urls(string? text, IReadOnlyList<MessageEntity>? entities)
    {
        var found = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return found;
        }
        foreach (var e in entities ?? [])
        {
            if (e.Type == MessageEntityType.TextLink && e.Url is { } u)
            {
                found.Add(u);
            }
            else if (e.Type == MessageEntityType.Url && e.Offset >= 0 && e.Offset + e.Length <= text.Length)
            {
                found.Add(text.Substring(e.Offset, e.Length));
            }
        }
        var words = text.Split([' ', '\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
        if (found.Count == 0)
        {
            found.AddRange(words.Where(w => w.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || w.StartsWith("https://", StringComparison.OrdinalIgnoreCase)));
        }
        // Telegram marks no entity on magnet links: they are taken from the words themselves.
        found.AddRange(words.Where(Hub.Domain.Engines.Torrent.MagnetLink.IsMagnet));
        return [.. found.Select(u => u.Contains("://", StringComparison.Ordinal) || Hub.Domain.Engines.Torrent.MagnetLink.IsMagnet(u) ? u : "https://" + u)
            .Distinct(StringComparer.Ordinal)];
    }
}
