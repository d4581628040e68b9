using System.Globalization;
using Hub.Bot.Menus;
using Hub.Bot.Telegram;
using Hub.Domain;
using Hub.Domain.Imports;
using Hub.Domain.Libraries;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace Hub.Bot.Commands;

/// <summary>
/// /inbox (admins): imports waiting for review, each with "approve into library X" and Reject buttons; then the files a
/// library scan could not name (<see cref="UnmatchedFiles"/>).
/// </summary>
public sealed class InboxCommand(ImportService imports, LibraryService libraries, BotSender sender, RequesterNames names, UnmatchedFiles unmatched)
{
    private const int MaxShown = 5;
    private const int MaxLibraryButtons = 6;

    public async Task<string> ListAsync(BotContext ctx, CancellationToken ct)
    {
        var items = await imports.InboxAsync(MaxShown + 1, ct).ConfigureAwait(false);
        var files = await unmatched.ListAsync(ct).ConfigureAwait(false);
        if (items.Count == 0 && files.Count == 0)
        {
            sender.Post(ctx.ChatId, "The inbox is empty.");
            return "0 items";
        }
        var shownFiles = files.Count == 0 ? 0 : await unmatched.PostAsync(ctx, files, ct).ConfigureAwait(false);
        if (items.Count == 0)
        {
            return $"0 items, {shownFiles} unmatched files";
        }
        var libs = (await libraries.ListAsync(ct).ConfigureAwait(false)).Take(MaxLibraryButtons).ToList();
        foreach (var job in items.Take(MaxShown))
        {
            var suggested = job.LibraryId is { } lid ? libs.FirstOrDefault(l => l.Id == lid)?.Name : null;
            var approve = libs.Select((l, i) => InlineKeyboardButton.WithCallbackData((l.Id == job.LibraryId ? "✅ " : "") + Texts.Trim(l.Name, 20),
                CallbackData.Build("ia", CallbackData.Id(job.Id), i.ToString(CultureInfo.InvariantCulture)))).Chunk(3).Select(r => (IReadOnlyList<InlineKeyboardButton>)r).ToList();
            approve.Add([InlineKeyboardButton.WithCallbackData("✖ Reject", CallbackData.Build("ir", CallbackData.Id(job.Id)))]);
            sender.Post(ctx.ChatId, $"📥 {Texts.Trim(job.Title ?? job.Source ?? "import", 200)}\n{job.Source}\nAsked by {await names.NameAsync(job.RequestedBy, ct).ConfigureAwait(false) ?? "Hub"} via {Labels.Door(job.Door)}"
                + (suggested is null ? "" : $"\nSuggested library: {suggested}") + "\nApprove into:", new InlineKeyboardMarkup(approve));
        }
        if (items.Count > MaxShown)
        {
            sender.Post(ctx.ChatId, "More are waiting; decide these first or use the web admin.");
        }
        return $"{Math.Min(items.Count, MaxShown)} items, {shownFiles} unmatched files";
    }

    /// <summary>ia:{job}:{library index} and ir:{job}</summary>
    public async Task<string> OnButtonAsync(BotContext ctx, CallbackQuery cb, string[] parts, CancellationToken ct)
    {
        if (!CallbackData.TryId(parts.ElementAtOrDefault(1), out var jobId) || cb.Message is null)
        {
            await sender.AnswerAsync(cb.Id, "That button no longer works.", ct).ConfigureAwait(false);
            return "stale";
        }
        try
        {
            string done;
            if (parts[0] == "ia")
            {
                var libs = (await libraries.ListAsync(ct).ConfigureAwait(false)).Take(MaxLibraryButtons).ToList();
                var library = int.TryParse(parts.ElementAtOrDefault(2), CultureInfo.InvariantCulture, out var i) && i >= 0 && i < libs.Count ? libs[i] : null;
                var job = await imports.ApproveAsync(jobId, library?.Id.ToString(), ctx.RequestedBy, ct).ConfigureAwait(false);
                done = $"✅ Approved into {library?.Name ?? "its library"}: {Texts.Trim(job.Title ?? job.Source, 200)}";
            }
            else
            {
                var job = await imports.RejectAsync(jobId, ctx.RequestedBy, ct).ConfigureAwait(false);
                done = $"✖ Rejected: {Texts.Trim(job.Title ?? job.Source, 200)}";
            }
            await sender.AnswerAsync(cb.Id, "Done", ct).ConfigureAwait(false);
            await sender.EditAsync(cb.Message.Chat.Id, cb.Message.MessageId, done, null, ct).ConfigureAwait(false);
            return done;
        }
        catch (Exception ex) when (ex is HubNotFoundException or HubConflictException)
        {
            await sender.AnswerAsync(cb.Id, "Already decided (or gone).", ct).ConfigureAwait(false);
            await sender.EditMarkupAsync(cb.Message.Chat.Id, cb.Message.MessageId, null, ct).ConfigureAwait(false);
            return "stale";
        }
    }
}
