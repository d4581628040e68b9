using Hub.Bot.Commands;
using Hub.Bot.Telegram;
using Telegram.Bot.Types;

namespace Hub.Bot.Menus;

/// <summary>
/// Routes a button press by its verb. Every press is answered (by the handler, or here for unknown and forbidden
/// ones), so no button keeps spinning; old buttons get a sensible "expired" answer.
/// </summary>
public sealed class CallbackRouter(ImportCommand imports, LibraryCommand library, JobsCommand jobs, InboxCommand inbox, ScanCommand scan, UnmatchedFiles unmatched, SettingsCommand settings,
    PersonalSettingsCommand personal, ContactsCommand contacts, FollowCommand follow, BotSender sender)
{
    private static readonly HashSet<string> AdminVerbs = ["ia", "ir", "st", "ct", "sc", "uf"];

    public async Task<string> HandleAsync(BotContext ctx, CallbackQuery cb, CancellationToken ct)
    {
        var parts = CallbackData.Parse(cb.Data);
        var verb = parts.FirstOrDefault() ?? "";
        if (AdminVerbs.Contains(verb) && !ctx.IsAdmin)
        {
            await sender.AnswerAsync(cb.Id, "That button is for admins.", ct).ConfigureAwait(false);
            return "refused: admin only";
        }
        return verb switch
        {
            "pv" => await imports.OnPreviewButtonAsync(ctx, cb, parts, ct).ConfigureAwait(false),
            "sp" => await library.OnPageButtonAsync(ctx, cb, parts, ct).ConfigureAwait(false),
            "ed" => await library.OnDetailsButtonAsync(ctx, cb, parts, ct).ConfigureAwait(false),
            "sf" => await jobs.OnSendFileButtonAsync(ctx, cb, parts, ct).ConfigureAwait(false),
            "jc" => await jobs.OnCancelButtonAsync(ctx, cb, parts, ct).ConfigureAwait(false),
            "ia" or "ir" => await inbox.OnButtonAsync(ctx, cb, parts, ct).ConfigureAwait(false),
            "sc" => await scan.OnButtonAsync(ctx, cb, parts, ct).ConfigureAwait(false),
            "uf" => await unmatched.OnButtonAsync(ctx, cb, parts, ct).ConfigureAwait(false),
            "st" => await settings.OnButtonAsync(ctx, cb, parts, ct).ConfigureAwait(false),
            "us" => await personal.OnButtonAsync(ctx, cb, parts, ct).ConfigureAwait(false),
            "ct" => await contacts.OnButtonAsync(ctx, cb, parts, ct).ConfigureAwait(false),
            "fl" or "ff" or "fp" or "fr" => await follow.OnButtonAsync(ctx, cb, parts, ct).ConfigureAwait(false),
            Labels.HeadingVerb => await HeadingAsync(cb, ct).ConfigureAwait(false),
            _ => await UnknownAsync(cb, ct).ConfigureAwait(false),
        };
    }

    /// <summary>A row heading is a button only because a keyboard holds nothing else: pressing it does nothing.</summary>
    private async Task<string> HeadingAsync(CallbackQuery cb, CancellationToken ct)
    {
        await sender.AnswerAsync(cb.Id, "Pick one of the buttons below.", ct).ConfigureAwait(false);
        return "heading";
    }

    private async Task<string> UnknownAsync(CallbackQuery cb, CancellationToken ct)
    {
        await sender.AnswerAsync(cb.Id, "That button no longer works.", ct).ConfigureAwait(false);
        return "stale";
    }
}
