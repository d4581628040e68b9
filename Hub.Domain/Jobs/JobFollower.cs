using System.Runtime.CompilerServices;

namespace Hub.Domain.Jobs;

/// <summary>
/// Follows one job to its end, for every door that shows progress (SSE, the bot's live message, MCP progress
/// notifications, the CLI's bar): the job's state now, then each live update, ending with (and including) its terminal
/// state. Live updates come from <see cref="JobUpdates"/>; the row is re-read whenever none arrived for
/// <c>recheck</c>, so a missed notification (another process, a dropped NOTIFY) costs at most that delay.
/// Consumers render; they neither poll nor decide when a job has ended.
/// </summary>
public sealed class JobFollower(JobQueue queue, JobUpdates updates)
{
    public static readonly TimeSpan DefaultRecheck = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The job's live states until terminal. Throws <see cref="HubNotFoundException"/> for an unknown job before yielding.
    /// Cancel <paramref name="cancellationToken"/> to stop following early (a timeout, a closed connection).
    /// </summary>
    public async IAsyncEnumerable<JobUpdate> FollowAsync(Guid jobId, TimeSpan? recheck = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var every = recheck ?? DefaultRecheck;
        // Subscribe before reading the row: an update between the read and the subscription cannot be lost.
        using var subscription = updates.Subscribe(u => u.JobId == jobId);
        var last = Snapshot(await queue.GetAsync(jobId, cancellationToken).ConfigureAwait(false));
        yield return last;
        while (!last.IsFinal)
        {
            var next = await NextAsync(subscription, jobId, every, cancellationToken).ConfigureAwait(false);
            if (next.At < last.At && !next.IsFinal)
            {
                continue; // an older update overtaken by a re-read
            }
            last = next;
            yield return last;
        }
    }

    /// <summary>A row read as an update stamped with its own change time, comparable with published updates.</summary>
    private static JobUpdate Snapshot(Job job) => JobUpdate.From(job, job.UpdatedAt);

    private async Task<JobUpdate> NextAsync(JobSubscription subscription, Guid jobId, TimeSpan every, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(every);
        try
        {
            if (await subscription.WaitToReadAsync(wait.Token).ConfigureAwait(false) && subscription.TryRead(out var update))
            {
                return update;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
        return Snapshot(await queue.GetAsync(jobId, cancellationToken).ConfigureAwait(false));
    }
}
