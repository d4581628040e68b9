using System.Globalization;
using System.Text;
using Hub.Bot.Menus;
using Hub.Bot.Notifications;
using Hub.Bot.Telegram;
using Microsoft.Extensions.Options;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace Hub.Bot.Commands;

/// <summary>/search and /recent: pages of five with Prev/Next, each title linked to its stream (HTML, escaped), Details, and the file on request.</summary>
public sealed class LibraryCommand(EntryLookup lookup, ChoiceStore choices, BotSender sender, EntryLinks links, IOptions<TelegramOptions> options)
{
    public const string ChoiceKind = "search";
    public const int PageSize = 5;

    public async Task<string> SearchAsync(BotContext ctx, string args, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(args))
        {
            sender.Post(ctx.ChatId, "Usage: /search <words> — for example /search cat video");
            return "usage";
        }
        return await FirstPageAsync(ctx, args.Trim(), ct).ConfigureAwait(false);
    }

    public Task<string> RecentAsync(BotContext ctx, CancellationToken ct) => FirstPageAsync(ctx, null, ct);

    private async Task<string> FirstPageAsync(BotContext ctx, string? query, CancellationToken ct)
    {
        var (text, buttons, count) = await PageAsync(ctx, new SearchChoice(query, [null]), 0, ct).ConfigureAwait(false);
        sender.Post(ctx.ChatId, text, buttons, html: true);
        return $"{count} result(s)";
    }

    /// <summary>sp:{choice}:{page}</summary>
    public async Task<string> OnPageButtonAsync(BotContext ctx, CallbackQuery cb, string[] parts, CancellationToken ct)
    {
        var choice = await choices.GetAsync<SearchChoice>(parts.ElementAtOrDefault(1) ?? "", ctx.From.Id, ChoiceKind, ct).ConfigureAwait(false);
        if (choice is null || cb.Message is null || !int.TryParse(parts.ElementAtOrDefault(2), CultureInfo.InvariantCulture, out var page) || page < 0
            || page >= choice.Cursors.Count)
        {
            await sender.AnswerAsync(cb.Id, "This list has expired; search again.", ct).ConfigureAwait(false);
            return "stale";
        }
        await sender.AnswerAsync(cb.Id, null, ct).ConfigureAwait(false);
        var (text, buttons, _) = await PageAsync(ctx, choice, page, ct, parts[1]).ConfigureAwait(false);
        await sender.EditAsync(cb.Message.Chat.Id, cb.Message.MessageId, text, buttons, ct, html: true).ConfigureAwait(false);
        return "page " + page;
    }

    /// <summary>ed:{entry}</summary>
    public async Task<string> OnDetailsButtonAsync(BotContext ctx, CallbackQuery cb, string[] parts, CancellationToken ct)
    {
        var found = CallbackData.TryId(parts.ElementAtOrDefault(1), out var id) ? await lookup.GetAsync(id, ct).ConfigureAwait(false) : null;
        if (found is not { } f)
        {
            await sender.AnswerAsync(cb.Id, "That item is no longer in the library.", ct).ConfigureAwait(false);
            return "stale";
        }
        await sender.AnswerAsync(cb.Id, null, ct).ConfigureAwait(false);
        var e = f.Entry;
        var sb = new StringBuilder();
        var url = await links.StreamUrlAsync(e.Id, ctx.From.Id, ct).ConfigureAwait(false);
        sb.Append(e.MediaKind == "audio" ? "🎵 " : "🎬 ").Append(url is null ? BotSender.Html(e.Title) : BotSender.Link(url, e.Title));
        sb.Append("\nLibrary: ").Append(BotSender.Html(f.LibraryName ?? "?")).Append(" · ").Append(Texts.Size(e.SizeBytes));
        if (e.DurationSeconds is { } d)
        {
            sb.Append(" · ").Append(Texts.Duration(d));
        }
        if (e.Container is { } c)
        {
            sb.Append(" · ").Append(BotSender.Html(c));
        }
        if (!string.IsNullOrWhiteSpace(e.Uploader) || Labels.Platform(e.Platform, e.SourceUrl) is not null)
        {
            sb.Append('\n').Append(BotSender.Html(string.Join(" · ", new[] { e.Uploader, Labels.Platform(e.Platform, e.SourceUrl) }.Where(s => !string.IsNullOrWhiteSpace(s)))));
        }
        sb.Append("\nAdded ").Append(e.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        if (e.SourceUrl is { } src)
        {
            sb.Append("\nFrom ").Append(BotSender.Html(src));
        }
        sender.Post(ctx.ChatId, sb.ToString(), FileButton(e.Id, e.SizeBytes, options.Value.UploadLimitBytes), html: true);
        return "details " + e.Id;
    }

    public static InlineKeyboardMarkup? FileButton(Guid entryId, long size, long uploadLimit) => size <= uploadLimit
        ? new InlineKeyboardMarkup([[InlineKeyboardButton.WithCallbackData("📤 Send me the file", CallbackData.Build("sf", CallbackData.Id(entryId)))]])
        : null;

    private async Task<(string Text, InlineKeyboardMarkup? Buttons, int Count)> PageAsync(BotContext ctx, SearchChoice choice, int page, CancellationToken ct,
        string? choiceId = null)
    {
        var query = choice.Query;
        var hits = await lookup.SearchAsync(query, choice.Cursors[page], PageSize, ct).ConfigureAwait(false);
        var hasNext = hits.NextCursor is not null;
        var shown = hits.Items;
        if (shown.Count == 0)
        {
            return (page == 0 ? (query is null ? "The library is empty so far. Send me a link!" : $"Nothing found for “{BotSender.Html(query)}”.") : "No more results.", null, 0);
        }
        if (hasNext)
        {
            // Remember where the next page starts (cursors keep pages stable while the library changes).
            var cursors = choice.Cursors.Take(page + 1).Append(hits.NextCursor).ToList();
            choice = choice with { Cursors = cursors };
            if (choiceId is null)
            {
                choiceId = await choices.CreateAsync(ctx.From.Id, ChoiceKind, choice, ct).ConfigureAwait(false);
            }
            else
            {
                await choices.UpdateAsync(choiceId, choice, ct).ConfigureAwait(false);
            }
        }
        var sb = new StringBuilder(query is null ? "🕒 Recently added" : $"🔎 “{BotSender.Html(Texts.Trim(query, 60))}”");
        if (page > 0 || hasNext)
        {
            sb.Append(" — page ").Append(page + 1);
        }
        sb.Append('\n');
        var rows = new List<IReadOnlyList<InlineKeyboardButton>>();
        for (var i = 0; i < shown.Count; i++)
        {
            var h = shown[i];
            var n = page * PageSize + i + 1;
            var title = Texts.Trim(h.Title, 120);
            var url = await links.StreamUrlAsync(h.Id, ctx.From.Id, ct).ConfigureAwait(false);
            sb.Append('\n').Append(n).Append(". ").Append(url is null ? BotSender.Html(title) : BotSender.Link(url, title)).Append(" — ")
                .Append(h.DurationSeconds is { } d ? Texts.Duration(d) + " · " : "").Append(Texts.Size(h.SizeBytes));
            if (h.LibraryName is { } lib)
            {
                sb.Append(" · ").Append(BotSender.Html(lib));
            }
        }
        rows.Add([.. shown.Select((h, i) => InlineKeyboardButton.WithCallbackData($"ℹ️ {page * PageSize + i + 1}", CallbackData.Build("ed", CallbackData.Id(h.Id))))]);
        var nav = new List<InlineKeyboardButton>();
        if (page > 0 && choiceId is not null)
        {
            nav.Add(InlineKeyboardButton.WithCallbackData("◀️ Prev", CallbackData.Build("sp", choiceId, (page - 1).ToString(CultureInfo.InvariantCulture))));
        }
        if (hasNext && choiceId is not null)
        {
            nav.Add(InlineKeyboardButton.WithCallbackData("Next ▶️", CallbackData.Build("sp", choiceId, (page + 1).ToString(CultureInfo.InvariantCulture))));
        }
        if (nav.Count > 0)
        {
            rows.Add(nav);
        }
        return (sb.ToString(), new InlineKeyboardMarkup(rows), shown.Count);
    }
}
