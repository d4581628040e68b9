using System.Collections.Concurrent;
using Hub.Bot.Receiving;
using Hub.Bot.Telegram;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Bot.Notifications;

/// <summary>
/// Imports started from a linked browser (the extension, with a token whose owner a Telegram contact linked with
/// <c>/link</c>) get a job message in that contact's private chat, kept current by <see cref="JobNotifier"/> with its
/// Cancel button, as if they had been sent to the bot. So do the imports a subscription's check starts for a Telegram
/// contact who followed it (<c>/follow</c>), with a line saying which subscription it came from, unless they turned
/// that off in /settings. Watches new jobs of this process and, through NOTIFY, of others.
/// </summary>
public sealed class LinkedJobs(IServiceProvider services, JobMessages messages, JobNotifier notifier, BotSender sender, BotStartup startup,
    IOptions<TelegramOptions> options, ILogger<LinkedJobs> logger) : BackgroundService
{
    /// <summary>The doors whose jobs are followed in the linked chat: the browser's.</summary>
    public static readonly IReadOnlyList<string> FollowedDoors = [Doors.Extension];

    private const int MaxRemembered = 10_000;
    private readonly ConcurrentDictionary<Guid, byte> _seen = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        await startup.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
        using var subscription = services.GetRequiredService<JobUpdates>().Subscribe(u =>
            u.Kind == "import" && u.ParentId is null && u.RequestedBy is not null && !u.IsFinal
            && (FollowedDoors.Contains(u.Door) || u.RequestedBy.StartsWith(TelegramPrefix, StringComparison.Ordinal)));
        try
        {
            await foreach (var u in subscription.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                if (_seen.Count > MaxRemembered) _seen.Clear();
                if (!_seen.TryAdd(u.JobId, 0)) continue;
                try
                {
                    await AnnounceAsync(u, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning("Could not show job {JobId} in its linked chat: {Error}", u.JobId, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private const string TelegramPrefix = "telegram:";

    private async Task AnnounceAsync(JobUpdate u, CancellationToken ct)
    {
        if (await messages.FindAsync(u.JobId, ct).ConfigureAwait(false) is not null)
        {
            return; // already shown somewhere (a bot import, an earlier process)
        }
        var dbFactory = services.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        Contact? contact;
        Job? job = null;
        string? origin = null;
        if (FollowedDoors.Contains(u.Door))
        {
            // One message per job: the linked contact seen last, when several linked the same person.
            contact = (await db.Contacts.AsNoTracking().Where(c => c.OwnerKey == u.RequestedBy && c.Status == ContactStatuses.Allowed)
                .ToListAsync(ct).ConfigureAwait(false)).OrderByDescending(c => c.LastSeenAt).FirstOrDefault();
        }
        else
        {
            // A chat person's job: only a subscription's item is news to them (what they sent has its message already).
            job = await services.GetRequiredService<JobQueue>().GetAsync(u.JobId, ct).ConfigureAwait(false);
            origin = ImportJobs.Read(job).Subscription?.Name;
            if (origin is null || !long.TryParse(u.RequestedBy![TelegramPrefix.Length..], out var telegramId))
            {
                return;
            }
            contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.TelegramId == telegramId && c.Status == ContactStatuses.Allowed && c.FollowNotices, ct)
                .ConfigureAwait(false);
        }
        if (contact is null)
        {
            return;
        }
        job ??= await services.GetRequiredService<JobQueue>().GetAsync(u.JobId, ct).ConfigureAwait(false);
        var now = JobUpdate.From(job, DateTimeOffset.UtcNow);
        var shown = job.Title ?? job.Source;
        var text = JobText.Running(now, shown, origin);
        var sent = await sender.SendAsync(contact.TelegramId, text, JobText.RunningButtons(now), ct).ConfigureAwait(false);
        await messages.TrackAsync(job.Id, contact.TelegramId, sent.MessageId, contact.TelegramId, text, ct, origin).ConfigureAwait(false);
        notifier.Follow(job.Id, shown);
        logger.LogInformation("Job {JobId} ({Why}) is shown in chat {ChatId}", job.Id, origin is null ? "from the browser" : "a followed subscription's item", contact.TelegramId);
    }
}
