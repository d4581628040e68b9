using System.Buffers.Text;
using Hub.Bot.Menus;
using Hub.Bot.Telegram;
using Hub.Domain;
using Hub.Domain.Engines;
using Hub.Domain.Imports;
using Hub.Domain.Libraries;
using Hub.Domain.Subscriptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace Hub.Bot.Commands;

/// <summary>
/// /follow URL subscribes at once (from now on: what exists is only remembered), then offers library and format buttons
/// (fl:{sub}:{library|-}, ff:{sub}:{preset}); /following lists the person's subscriptions with pause/resume (fp:{sub})
/// and remove (fr:{sub}) buttons. Who may change which subscription is <see cref="SubscriptionService"/>'s rule.
/// Ids in buttons are base64url (22 characters) so two fit in Telegram's 64-byte callback data.
/// </summary>
public sealed class FollowCommand(SubscriptionService subscriptions, LibraryService libraries, BotSender sender)
{
    private const int MaxLibraryButtons = 8;
    private const int MaxListed = 20;

    public async Task<string> FollowAsync(BotContext ctx, string args, CancellationToken ct)
    {
        var url = CommandList.Urls(args, null).FirstOrDefault() ?? args.Trim();
        if (string.IsNullOrWhiteSpace(url))
        {
            sender.Post(ctx.ChatId, "Send /follow followed by a channel, playlist or feed link.");
            return "no url";
        }
        Subscription sub;
        try
        {
            sub = await subscriptions.CreateAsync(ctx.Requester, Doors.Bot, new SubscriptionInput { Url = url }, ct).ConfigureAwait(false);
        }
        catch (HubException ex) when (ex is HubValidationException or HubConflictException)
        {
            sender.Post(ctx.ChatId, "I can't follow that: " + ex.Message);
            return "refused: " + ex.Type;
        }
        var rows = (await libraries.ListAsync(ct).ConfigureAwait(false)).Take(MaxLibraryButtons)
            .Select(l => (IReadOnlyList<InlineKeyboardButton>)[InlineKeyboardButton.WithCallbackData("📁 " + Texts.Trim(l.Name, 40), CallbackData.Build("fl", Short(sub.Id), Short(l.Id)))])
            .Append([InlineKeyboardButton.WithCallbackData("🤖 Let the rules decide", CallbackData.Build("fl", Short(sub.Id), "-"))])
            .Append([.. FormatPresets.All.Select(f => InlineKeyboardButton.WithCallbackData(f, CallbackData.Build("ff", Short(sub.Id), f)))])
            .ToList();
        sender.Post(ctx.ChatId, $"👀 Following {Texts.Trim(sub.Url, 200)}\nI'll check every {sub.IntervalMinutes} minutes and import what appears from now on. "
            + "Which library, and which format? (/following to pause or remove it.)", new InlineKeyboardMarkup(rows));
        return "followed " + sub.Id;
    }

    public async Task<string> FollowingAsync(BotContext ctx, CancellationToken ct)
    {
        var list = await subscriptions.ListAsync(ctx.Requester, ct).ConfigureAwait(false);
        var mine = list.Where(s => ctx.Requester.Owns(s.CreatedBy)).Take(MaxListed).ToList();
        if (mine.Count == 0)
        {
            sender.Post(ctx.ChatId, "You follow nothing yet. Send /follow with a channel, playlist or feed link.");
            return "none";
        }
        sender.Post(ctx.ChatId, Describe(mine), Buttons(mine));
        return $"listed {mine.Count}";
    }

    /// <summary>fl, ff, fp, fr.</summary>
    public async Task<string> OnButtonAsync(BotContext ctx, CallbackQuery cb, string[] parts, CancellationToken ct)
    {
        if (!TryShort(parts.ElementAtOrDefault(1), out var id) || cb.Message is null)
        {
            await sender.AnswerAsync(cb.Id, "That button no longer works.", ct).ConfigureAwait(false);
            return "stale";
        }
        try
        {
            switch (parts[0])
            {
                case "fl":
                    var library = parts.ElementAtOrDefault(2) is "-" ? "" : TryShort(parts.ElementAtOrDefault(2), out var lib) ? lib.ToString() : null;
                    var withLibrary = await subscriptions.UpdateAsync(ctx.Requester, id, new SubscriptionInput { Library = library }, ct).ConfigureAwait(false);
                    var name = withLibrary.LibraryId is { } l ? (await libraries.GetAsync(l, ct).ConfigureAwait(false)).Name : "chosen by the rules";
                    await sender.AnswerAsync(cb.Id, "Library: " + name, ct).ConfigureAwait(false);
                    return "library " + name;
                case "ff":
                    await subscriptions.UpdateAsync(ctx.Requester, id, new SubscriptionInput { Format = parts.ElementAtOrDefault(2) ?? "" }, ct).ConfigureAwait(false);
                    await sender.AnswerAsync(cb.Id, "Format: " + parts.ElementAtOrDefault(2), ct).ConfigureAwait(false);
                    return "format";
                case "fp":
                    var current = await subscriptions.GetAsync(ctx.Requester, id, ct).ConfigureAwait(false);
                    var changed = await subscriptions.UpdateAsync(ctx.Requester, id, new SubscriptionInput { Paused = !current.Paused }, ct).ConfigureAwait(false);
                    await sender.AnswerAsync(cb.Id, changed.Paused ? "Paused." : "Resumed: checking soon.", ct).ConfigureAwait(false);
                    await RefreshAsync(ctx, cb, ct).ConfigureAwait(false);
                    return changed.Paused ? "paused" : "resumed";
                default:
                    await subscriptions.DeleteAsync(ctx.Requester, id, ct).ConfigureAwait(false);
                    await sender.AnswerAsync(cb.Id, "Removed; what it imported stays.", ct).ConfigureAwait(false);
                    await RefreshAsync(ctx, cb, ct).ConfigureAwait(false);
                    return "removed";
            }
        }
        catch (HubNotFoundException)
        {
            await sender.AnswerAsync(cb.Id, "That subscription is gone.", ct).ConfigureAwait(false);
            return "gone";
        }
        catch (HubValidationException ex)
        {
            await sender.AnswerAsync(cb.Id, ex.Message, ct).ConfigureAwait(false);
            return "invalid";
        }
    }

    /// <summary>The /following message, redrawn after a button changed what it shows.</summary>
    private async Task RefreshAsync(BotContext ctx, CallbackQuery cb, CancellationToken ct)
    {
        var mine = (await subscriptions.ListAsync(ctx.Requester, ct).ConfigureAwait(false)).Where(s => ctx.Requester.Owns(s.CreatedBy)).Take(MaxListed).ToList();
        await sender.EditAsync(cb.Message!.Chat.Id, cb.Message.MessageId, mine.Count == 0 ? "You follow nothing now." : Describe(mine),
            mine.Count == 0 ? null : Buttons(mine), ct).ConfigureAwait(false);
    }

    private static string Describe(IReadOnlyList<Subscription> subs) =>
        "You follow:\n" + string.Join("\n", subs.Select(s =>
            $"{(s.Paused ? "⏸" : s.LastError is null ? "✅" : "⚠️")} {Texts.Trim(s.Name, 60)}: {s.ItemsImported} imported"
            + (s.Paused ? ", paused" : s.LastError is { } e ? $", failing: {Texts.Trim(e, 80)}" : "")));

    private static InlineKeyboardMarkup Buttons(IReadOnlyList<Subscription> subs) => new(subs.Select(s => (IReadOnlyList<InlineKeyboardButton>)
    [
        InlineKeyboardButton.WithCallbackData((s.Paused ? "▶ Resume " : "⏸ Pause ") + Texts.Trim(s.Name, 24), CallbackData.Build("fp", Short(s.Id))),
        InlineKeyboardButton.WithCallbackData("🗑 Remove", CallbackData.Build("fr", Short(s.Id))),
    ]));

    private static string Short(Guid id) => Base64Url.EncodeToString(id.ToByteArray());

    private static bool TryShort(string? text, out Guid id)
    {
        id = Guid.Empty;
        if (text is not { Length: 22 }) return false;
        Span<byte> bytes = stackalloc byte[16];
        if (!Base64Url.TryDecodeFromChars(text, bytes, out var written) || written != 16) return false;
        id = new Guid(bytes);
        return true;
    }
}
