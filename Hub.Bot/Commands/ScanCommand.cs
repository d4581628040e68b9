using Hub.Bot.Menus;
using Hub.Bot.Notifications;
using Hub.Bot.Telegram;
using Hub.Domain;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Domain.Scanning;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace Hub.Bot.Commands;

/// <summary>
/// /scan (admins): with no argument one "Scan X" button per library (sc:{library}); with a library's name or slug, its
/// scan job starts at once. Either way the job gets one live message that <see cref="JobNotifier"/> keeps current and
/// ends with the scan's summary, like an import's.
/// </summary>
public sealed class ScanCommand(ScanService scans, LibraryService libraries, BotSender sender, JobMessages jobMessages, JobNotifier notifier)
{
    private const int MaxLibraryButtons = 12;

    public async Task<string> ScanAsync(BotContext ctx, string args, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(args))
        {
            return await StartAsync(ctx, args.Trim(), ct).ConfigureAwait(false);
        }
        var libs = await libraries.ListAsync(ct).ConfigureAwait(false);
        if (libs.Count == 0)
        {
            sender.Post(ctx.ChatId, "There are no libraries to scan.");
            return "no libraries";
        }
        var rows = libs.Take(MaxLibraryButtons)
            .Select(l => (IReadOnlyList<InlineKeyboardButton>)[InlineKeyboardButton.WithCallbackData("🔍 Scan " + Texts.Trim(l.Name, 40), CallbackData.Build("sc", CallbackData.Id(l.Id)))])
            .ToList();
        sender.Post(ctx.ChatId, "Which library's folder shall I scan for media already there? (Or: /scan <library>)", new InlineKeyboardMarkup(rows));
        return $"offered {rows.Count} libraries";
    }

    /// <summary>sc:{library}</summary>
    public async Task<string> OnButtonAsync(BotContext ctx, CallbackQuery cb, string[] parts, CancellationToken ct)
    {
        if (!CallbackData.TryId(parts.ElementAtOrDefault(1), out var libraryId) || cb.Message is null)
        {
            await sender.AnswerAsync(cb.Id, "That button no longer works.", ct).ConfigureAwait(false);
            return "stale";
        }
        await sender.AnswerAsync(cb.Id, "Scanning…", ct).ConfigureAwait(false);
        // The answer goes where the buttons were (the admin's private chat when asked in a group).
        return await StartAsync(ctx with { ChatId = cb.Message.Chat.Id }, libraryId.ToString(), ct).ConfigureAwait(false);
    }

    private async Task<string> StartAsync(BotContext ctx, string library, CancellationToken ct)
    {
        Job job;
        try
        {
            job = await scans.StartAsync(library, Doors.Bot, ctx.RequestedBy, ct).ConfigureAwait(false);
        }
        catch (HubNotFoundException)
        {
            sender.Post(ctx.ChatId, $"There is no library '{Texts.Trim(library, 60)}'. Send /scan to pick one.");
            return "no such library";
        }
        if (await jobMessages.FindAsync(job.Id, ct).ConfigureAwait(false) is { Finished: false } live)
        {
            // The same library asked twice before its scan ran: the queued scan covers both, and one live message is enough.
            if (live.ChatId == ctx.ChatId)
            {
                sender.Reply(ctx.ChatId, live.MessageId, $"⏳ This scan is queued already (job {Texts.ShortId(job.Id)}).");
            }
            else
            {
                sender.Post(ctx.ChatId, $"⏳ A scan of that library is queued already (job {Texts.ShortId(job.Id)}); its progress is shown where it was asked for.");
            }
            return "already queued " + job.Id;
        }
        var text = JobText.Running(JobUpdate.From(job, DateTimeOffset.UtcNow), job.Title) + "\nI'll tell you here when it ends.";
        var buttons = JobText.RunningButtons(JobUpdate.From(job, DateTimeOffset.UtcNow));
        var message = await sender.SendAsync(ctx.ChatId, text, buttons, ct).ConfigureAwait(false);
        await jobMessages.TrackAsync(job.Id, ctx.ChatId, message.MessageId, ctx.From.Id, text, ct).ConfigureAwait(false);
        notifier.Follow(job.Id, job.Title);
        return "scan " + job.Id;
    }
}
