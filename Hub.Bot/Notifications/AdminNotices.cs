using System.Collections.Concurrent;
using Hub.Bot.Commands;
using Hub.Bot.Menus;
using Hub.Bot.Receiving;
using Hub.Bot.Telegram;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot.Types.ReplyMarkups;

namespace Hub.Bot.Notifications;

/// <summary>
/// Admins who turned notices on (/settings) hear about work waiting for them: an import that reached the inbox (with
/// Approve and Reject buttons that decide it from the chat), an item that went through the inbox and finished, and an
/// import that failed for good. Follows every job's live state (this process's and, through NOTIFY, other workers');
/// each job is announced once per kind of notice. An admin who asked for the import in this chat already has its job
/// message, so is not told twice.
/// </summary>
public sealed class AdminNotices(IServiceProvider services, BotSender sender, BotStartup startup, IOptions<TelegramOptions> options,
    ILogger<AdminNotices> logger) : BackgroundService
{
    private const int MaxRemembered = 10_000;
    private readonly ConcurrentDictionary<(Guid, string), byte> _told = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        await startup.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
        using var subscription = services.GetRequiredService<JobUpdates>().Subscribe(u =>
            u.Kind == "import" && (u.State == JobStates.AwaitingReview || u.State == JobStates.Completed || u.State == JobStates.Failed));
        try
        {
            await foreach (var u in subscription.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await NoticeAsync(u, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning("Could not tell admins about job {JobId}: {Error}", u.JobId, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task NoticeAsync(JobUpdate u, CancellationToken ct)
    {
        if (_told.ContainsKey((u.JobId, u.State)))
        {
            return;
        }
        var admins = await services.GetRequiredService<PersonalSettingsStore>().NoticeAdminsAsync(ct).ConfigureAwait(false);
        if (admins.Count == 0)
        {
            return;
        }
        string text;
        InlineKeyboardMarkup? buttons = null;
        if (u.State == JobStates.AwaitingReview)
        {
            var who = await services.GetRequiredService<RequesterNames>().NameAsync(u.RequestedBy, ct).ConfigureAwait(false);
            text = $"📥 Waiting for your approval: {Texts.Trim(u.Title ?? "an import", 200)}{(who is null ? "" : " (from " + who + ")")}. See /inbox.";
            // The same buttons as /inbox: "ia" without a library index approves into the library it was classified into.
            buttons = JobText.ReviewButtons(u.JobId);
        }
        else if (u.State == JobStates.Failed)
        {
            var who = await services.GetRequiredService<RequesterNames>().NameAsync(u.RequestedBy, ct).ConfigureAwait(false);
            text = $"❌ An import failed: {Texts.Trim(u.Title ?? "an import", 200)}{(who is null ? "" : " (from " + who + ")")}"
                + (u.Error is { Length: > 0 } error ? $"\n{Texts.Trim(error, 300)}" : "") + "\nSee /jobs.";
        }
        else
        {
            var events = await services.GetRequiredService<JobQueue>().EventsAsync(u.JobId, ct).ConfigureAwait(false);
            if (!events.Any(e => e.ToState == JobStates.AwaitingReview))
            {
                return; // it never waited for anyone
            }
            var library = u.LibraryId is { } id ? (await services.GetRequiredService<LibraryService>().ListAsync(ct).ConfigureAwait(false))
                .FirstOrDefault(l => l.Id == id)?.Name : null;
            text = $"✅ An approved import finished: {Texts.Trim(u.Title ?? "an import", 200)}{(library is null ? "" : " in " + library)}.";
        }
        if (_told.Count > MaxRemembered)
        {
            _told.Clear();
        }
        if (!_told.TryAdd((u.JobId, u.State), 0))
        {
            return;
        }
        foreach (var admin in admins)
        {
            if (u.RequestedBy == Requester.TelegramPrefix + admin.ToString(System.Globalization.CultureInfo.InvariantCulture) && u.Door == Doors.Bot)
            {
                continue; // their own chat import: its job message already says how it went
            }
            sender.Post(admin, text, buttons);
        }
    }
}
