using Coravel.Invocable;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Microsoft.Extensions.Logging;

namespace Hub.Domain.Scheduling;

/// <summary>
/// What Coravel runs at each firing: it only enqueues the durable job for the current slot (a no-op when another
/// process already did). The work itself runs in the job queue, with its history, retries and leases; Coravel has none.
/// </summary>
public sealed class EnqueueScheduledJob(ScheduledJob job, JobQueue queue, TimeProvider time, ILogger<EnqueueScheduledJob> logger)
    : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public async Task Invoke()
    {
        var key = job.KeyFor(job.SlotOf(time.GetUtcNow()));
        try
        {
            await queue.EnqueueAsync(new NewJob(job.Kind, job.Queue, Doors.Cli)
            {
                Title = job.Title,
                RequestedBy = "hub",
                IdempotencyKey = key,
            }, CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next slot tries again; a database outage must not stop the scheduler.
            logger.LogWarning("Could not enqueue scheduled job {Key}: {Error}", key, ex.Message);
        }
    }
}
