using System.Security.Claims;
using Hub.Domain;
using Hub.Domain.Access;
using Hub.Domain.Jobs;
using Hub.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hub.Web.Jobs;

/// <summary>
/// Server-sent events of live job state, fed by <see cref="JobUpdates"/> (NOTIFY from every process).
/// Events: <c>job</c> (a <see cref="JobDto"/>: progress or a state change) and <c>end</c> (the final <see cref="JobDto"/>);
/// a comment every heartbeat. Each stream subscribes before it reads the current state, so nothing falls between.
/// </summary>
public static class JobStreamApi
{
    public const string JobEvent = "job";
    public const string EndEvent = "end";

    /// <summary>How many active jobs the all-jobs stream sends first.</summary>
    public const int SnapshotSize = 200;

    public static RouteGroupBuilder MapJobStreams(this RouteGroupBuilder jobs)
    {
        jobs.MapGet("/stream", StreamAllJobs).WithName("StreamJobs")
            .WithSummary("SSE of every job the caller may see: the active ones first, then `job` events as they change and `end` when one finishes.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        jobs.MapGet("/{id:guid}/stream", StreamJob).WithName("StreamJob")
            .WithSummary("SSE of one job: its current state, `job` events as it progresses, and `end` with its final state, then the stream closes.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream").ProducesProblem(StatusCodes.Status404NotFound);
        return jobs;
    }

    private static Task StreamJob(Guid id, HttpContext context, ClaimsPrincipal user, JobAccess access, JobFollower follower, JobQueue queue,
        IOptions<SseOptions> options, IHostApplicationLifetime lifetime, CancellationToken aborted) =>
        UntilDisconnectedAsync(ct => RunJobStreamAsync(id, context, user, access, follower, queue, options.Value, ct), lifetime, aborted);

    private static Task StreamAllJobs(HttpContext context, ClaimsPrincipal user, JobQueue queue, JobUpdates updates,
        IOptions<SseOptions> options, IHostApplicationLifetime lifetime, CancellationToken aborted) =>
        UntilDisconnectedAsync(ct => RunAllJobsStreamAsync(context, user, queue, updates, options.Value, ct), lifetime, aborted);

    private static async Task RunJobStreamAsync(Guid id, HttpContext context, ClaimsPrincipal user, JobAccess access, JobFollower follower,
        JobQueue queue, SseOptions options, CancellationToken ct)
    {
        var current = JobDto.From(await access.GetVisibleAsync(user.ToRequester(), id, ct)); // 404 before the stream starts
        var sse = await SseWriter.StartAsync(context, options.ReconnectDelay, ct);
        var first = true;
        // The follower re-reads the row when nothing arrived for a heartbeat interval: an unchanged row is a heartbeat.
        await foreach (var update in follower.FollowAsync(id, options.HeartbeatInterval, ct))
        {
            if (update.IsFinal)
            {
                await sse.WriteEventAsync(EndEvent, JobDto.From(await queue.GetAsync(id, ct)), ct); // with its result and finish time
                return;
            }
            if (first || update.At > current.UpdatedAt)
            {
                first = false;
                current = current.With(update);
                await sse.WriteEventAsync(JobEvent, current, ct);
            }
            else
            {
                await sse.WriteCommentAsync("heartbeat", ct);
            }
        }
    }

    private static async Task RunAllJobsStreamAsync(HttpContext context, ClaimsPrincipal user, JobQueue queue, JobUpdates updates,
        SseOptions options, CancellationToken ct)
    {
        var caller = user.ToRequester();
        using var subscription = updates.Subscribe(u => JobAccess.CanSee(caller, u.RequestedBy));
        var active = await queue.ListAsync(new JobFilter
        {
            States = JobStates.All.Where(s => !JobStates.IsTerminal(s)).ToList(),
            RequestedBy = JobAccess.OwnerFilter(caller),
            Limit = SnapshotSize,
        }, ct);
        var sse = await SseWriter.StartAsync(context, options.ReconnectDelay, ct);
        var known = new Dictionary<Guid, JobDto>();
        foreach (var job in active.Reverse())
        {
            known[job.Id] = JobDto.From(job);
            await sse.WriteEventAsync(JobEvent, known[job.Id], ct);
        }

        await foreach (var update in ReadWithHeartbeatsAsync(subscription, options.HeartbeatInterval, ct))
        {
            if (update is null)
            {
                await sse.WriteCommentAsync("heartbeat", ct);
                continue;
            }
            if (update.IsFinal)
            {
                known.Remove(update.JobId);
                if (await FindAsync(queue, update.JobId, ct) is { } final)
                {
                    await sse.WriteEventAsync(EndEvent, JobDto.From(final), ct);
                }
                continue;
            }
            if (!known.TryGetValue(update.JobId, out var dto))
            {
                // First sight of this job on this stream: the row gives the fields an update does not carry.
                if (await FindAsync(queue, update.JobId, ct) is not { } row)
                {
                    continue;
                }
                if (known.Count >= 4 * SnapshotSize)
                {
                    known.Clear(); // bounded memory on a long-lived stream; rows are re-read as needed
                }
                dto = JobDto.From(row);
            }
            if (update.At >= dto.UpdatedAt)
            {
                dto = dto.With(update);
            }
            known[update.JobId] = dto;
            await sse.WriteEventAsync(JobEvent, dto, ct);
        }
    }

    private static async Task<Job?> FindAsync(JobQueue queue, Guid id, CancellationToken ct)
    {
        try
        {
            return await queue.GetAsync(id, ct);
        }
        catch (HubNotFoundException)
        {
            return null; // deleted meanwhile
        }
    }

    /// <summary>The subscription's updates, with a null whenever <paramref name="heartbeat"/> passes without one.</summary>
    private static async IAsyncEnumerable<JobUpdate?> ReadWithHeartbeatsAsync(JobSubscription subscription, TimeSpan heartbeat,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        // The pending read outlives a loop turn, so it gets its own token: a consumer that stops early (the `end`
        // event) cancels it here and waits for it before the channel enumerator is disposed.
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var updates = subscription.ReadAllAsync(reading.Token).GetAsyncEnumerator(reading.Token);
        var next = updates.MoveNextAsync().AsTask();
        try
        {
            while (true)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var delay = Task.Delay(heartbeat, beat.Token);
                if (await Task.WhenAny(next, delay) == delay)
                {
                    ct.ThrowIfCancellationRequested();
                    yield return null;
                    continue;
                }
                await beat.CancelAsync();
                if (!await next)
                {
                    yield break;
                }
                yield return updates.Current;
                next = updates.MoveNextAsync().AsTask();
            }
        }
        finally
        {
            await reading.CancelAsync();
            try
            {
                await next;
            }
            catch (OperationCanceledException)
            {
            }
            await updates.DisposeAsync();
        }
    }

    /// <summary>
    /// Runs a stream until it ends, the client goes away, or Hub stops (neither is an error). Hub stopping ends every
    /// stream at once: otherwise the server waits for them until its shutdown timeout, and a browser's EventSource
    /// reconnects by itself once Hub is back.
    /// </summary>
    private static async Task UntilDisconnectedAsync(Func<CancellationToken, Task> stream, IHostApplicationLifetime lifetime, CancellationToken aborted)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(aborted, lifetime.ApplicationStopping);
        try
        {
            await stream(cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
        }
    }
}
