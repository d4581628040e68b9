using System.Globalization;
using Coravel.Invocable;
using Hub.Domain.Jobs;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Hub.Domain.Subscriptions;

/// <summary>
/// Coravel fires this every minute: it enqueues a check job for each subscription that is due, keyed by the subscription
/// and its due time (the slot), so any number of processes firing at once make one check, and a check still queued at
/// the next tick is not doubled. The job moves the due time on when it runs.
/// </summary>
public sealed class ScheduledSubscriptionChecks(IDbContextFactory<HubDbContext> dbFactory, JobQueue queue, TimeProvider time,
    ILogger<ScheduledSubscriptionChecks> logger) : IInvocable, ICancellableInvocable
{
    /// <summary>At most this many checks are enqueued per tick; the rest are due at the next one.</summary>
    public const int MaxPerTick = 200;

    public CancellationToken CancellationToken { get; set; }

    public async Task Invoke()
    {
        try
        {
            await EnqueueDueAsync(CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next tick tries again; a database outage must not stop the scheduler.
            logger.LogWarning("Could not enqueue subscription checks: {Error}", ex.Message);
        }
    }

    public async Task<IReadOnlyList<Job>> EnqueueDueAsync(CancellationToken ct)
    {
        List<Subscription> due;
        await using (var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            due = await db.Subscriptions.AsNoTracking().Where(s => !s.Paused && s.NextCheckAt <= now)
                .OrderBy(s => s.NextCheckAt).Take(MaxPerTick).ToListAsync(ct).ConfigureAwait(false);
        }
        if (due.Count == 0)
        {
            return [];
        }
        var jobs = await queue.EnqueueManyAsync(due.Select(s => SubscriptionCheckHandler.Spec(s, Slot(s.NextCheckAt))).ToList(), ct).ConfigureAwait(false);
        for (var i = 0; i < due.Count; i++)
        {
            if (JobStates.IsTerminal(jobs[i].State))
            {
                await MoveOnAsync(due[i], jobs[i], ct).ConfigureAwait(false);
            }
        }
        return jobs;
    }

    /// <summary>
    /// The slot's check already ended without moving the due time (it crashed, or was cancelled): move it on by one interval,
    /// so the next tick makes a new slot instead of finding the ended job again forever.
    /// </summary>
    private async Task MoveOnAsync(Subscription sub, Job ended, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var next = time.GetUtcNow().AddMinutes(sub.IntervalMinutes);
        var error = ended.Error ?? $"the check ended {ended.State}";
        await db.Subscriptions.Where(s => s.Id == sub.Id && s.NextCheckAt == sub.NextCheckAt)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.NextCheckAt, next).SetProperty(s => s.LastError, error), ct).ConfigureAwait(false);
    }

    public static string Slot(DateTimeOffset due) => due.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture);
}
