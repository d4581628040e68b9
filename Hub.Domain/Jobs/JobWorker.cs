using Npgsql;
using System.Collections.Concurrent;
using Hub.Domain.Imports;
using Hub.Domain.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Jobs;

/// <summary>
/// Runs the queues of this process: per queue a loop that claims up to its concurrency limit, woken by NOTIFY
/// (with a slow poll as fallback); per running job a pump that saves progress at most once a second and renews the
/// lease; a reaper that puts jobs of dead workers back. Any number of processes can run this against one database.
/// </summary>
public sealed class JobWorker(
    IEnumerable<IJobHandler> handlers,
    JobStore store,
    JobSignals signals,
    JobUpdates updates,
    IOptions<JobOptions> jobOptions,
    IOptions<HubOptions> hubOptions,
    TimeProvider time,
    ILogger<JobWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _cancels = new();
    private readonly ConcurrentDictionary<Guid, Task> _running = new();
    private readonly JobOptions _options = jobOptions.Value;
    private static readonly TimeSpan ClaimGatherDelay = TimeSpan.FromMilliseconds(2);

    private long _lastOutageTicks = DateTimeOffset.MinValue.UtcTicks;

    /// <summary>When this process last found the database unreachable (claiming, renewing or reaping).</summary>
    private DateTimeOffset LastOutage => new(Interlocked.Read(ref _lastOutageTicks), TimeSpan.Zero);

    private void SawOutage() => Interlocked.Exchange(ref _lastOutageTicks, time.GetUtcNow().UtcTicks);

    /// <summary>This process's name on leases: host, pid and a random part (pids repeat across containers).</summary>
    public string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ReapDeadPredecessorsAsync(stoppingToken).ConfigureAwait(false);
        using var cancelWatch = updates.Subscribe(u => u.CancelRequested && _cancels.ContainsKey(u.JobId));
        var loops = handlers.Select(h => RunQueueAsync(h, stoppingToken)).ToList();
        loops.Add(ReapLoopAsync(stoppingToken));
        loops.Add(WatchCancelsAsync(cancelWatch, stoppingToken));
        logger.LogInformation("Workers started for queues {Queues} as {Owner}", string.Join(", ", handlers.Select(h => $"{h.Queue}×{_options.ConcurrencyOf(h.Queue)}")), Owner);
        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Shutting down: running jobs see the stopping token, hand their job back, and we wait for them.
        try
        {
            await Task.WhenAll(_running.Values).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // One job that could not hand itself back (the reaper will) must not fault the worker's stop.
            logger.LogWarning("A job did not stop cleanly: {Error}", ex.Message);
        }
    }

    private async Task RunQueueAsync(IJobHandler handler, CancellationToken stoppingToken)
    {
        var limit = _options.ConcurrencyOf(handler.Queue);
        using var slots = new SemaphoreSlim(limit, limit);
        while (!stoppingToken.IsCancellationRequested)
        {
            await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
            var free = 1;
            while (free < limit && slots.Wait(0, stoppingToken))
            {
                free++;
            }
            if (free < limit && free < 4)
            {
                // Under load, slots free up one by one: gather a few for a moment so one claim takes several jobs.
                await Task.Delay(ClaimGatherDelay, stoppingToken).ConfigureAwait(false);
                while (free < limit && slots.Wait(0, stoppingToken))
                {
                    free++;
                }
            }
            IReadOnlyList<Job> claimed;
            try
            {
                claimed = await store.ClaimAsync(handler.Queue, handler.RunningState, free, Owner, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                slots.Release(free);
                if (DatabaseOutage.Is(ex))
                {
                    SawOutage();
                    logger.LogWarning("Claiming from queue {Queue} failed, the database is unreachable ({Error}); retrying", handler.Queue, ex.Message);
                }
                else
                {
                    logger.LogWarning(ex, "Claiming from queue {Queue} failed; retrying", handler.Queue);
                }
                await Task.Delay(_options.PollInterval, stoppingToken).ConfigureAwait(false);
                continue;
            }
            if (claimed.Count < free)
            {
                slots.Release(free - claimed.Count);
            }
            foreach (var job in claimed)
            {
                var task = RunJobAsync(handler, job, stoppingToken);
                _running[job.Id] = task;
                _ = task.ContinueWith(_ =>
                {
                    _running.TryRemove(job.Id, out Task? _);
                    slots.Release();
                    signals.Signal(handler.Queue); // a slot is free: look again
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            if (claimed.Count == 0 || claimed.Count < free)
            {
                await signals.WaitAsync(handler.Queue, _options.PollInterval, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RunJobAsync(IJobHandler handler, Job job, CancellationToken stoppingToken)
    {
        var workDir = JobWorkDirs.For(job, hubOptions.Value);
        var context = new JobContext(job, Owner, workDir, store);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _cancels[job.Id] = cancel;
        using var pumpStop = new CancellationTokenSource();
        var pump = PumpAsync(context, cancel, pumpStop.Token);
        try
        {
            await handler.RunAsync(context, cancel.Token).ConfigureAwait(false);
            await pumpStop.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
            if (!context.Finished)
            {
                await context.CompleteAsync(null, null, "done", null, CancellationToken.None).ConfigureAwait(false);
            }
            if (JobStates.IsTerminal(context.Job.State))
            {
                DeleteWorkDir(workDir);
            }
        }
        catch (Exception ex) when (DatabaseOutage.Is(ex) && !stoppingToken.IsCancellationRequested)
        {
            SawOutage();
            await pumpStop.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
            await OutageHandBack.RunAsync(store, context, ex, time, logger, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await pumpStop.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
            await HandleFailureAsync(context, ex, cancel.IsCancellationRequested && !stoppingToken.IsCancellationRequested, stoppingToken.IsCancellationRequested).ConfigureAwait(false);
        }
        finally
        {
            _cancels.TryRemove(job.Id, out _);
        }
    }

    private async Task HandleFailureAsync(JobContext context, Exception ex, bool cancelRequested, bool shuttingDown)
    {
        var job = context.Job;
        try
        {
            switch (ex)
            {
                case JobLeaseLostException:
                    logger.LogWarning("Lost the lease on job {JobId}; another worker has it now", job.Id);
                    return;
                case OperationCanceledException when cancelRequested:
                    // Temp files go first, so a job reported cancelled has none left.
                    DeleteWorkDir(context.WorkDirPath);
                    await store.TransitionAsync(job, Owner, JobStates.Cancelled, "cancelled; the running work was stopped").ConfigureAwait(false);
                    return;
                case OperationCanceledException when shuttingDown:
                    // Not the job's fault: back in line at once, its work folder kept so the next worker resumes.
                    await store.TransitionAsync(job, Owner, JobStates.Retrying, "worker shutting down; job handed back",
                        runAfter: time.GetUtcNow()).ConfigureAwait(false);
                    return;
            }
            var (kind, message, transient) = ex switch
            {
                ImportFailedException f => (f.Type, f.Message, f.Transient),
                HubException h => (h.Type, h.Message, false),
                TimeoutException t => ("timeout", t.Message, true),
                _ => ("internal", "Internal error: " + ex.Message, true),
            };
            if (kind == "internal")
            {
                logger.LogError(ex, "Job {JobId} failed unexpectedly", job.Id);
            }
            var retry = transient && job.Failures + 1 < job.MaxAttempts;
            var payload = new { error = message, kind, transient, attempt = job.Attempt, failures = job.Failures + 1 };
            if (retry)
            {
                var delay = RetryDelay(job.Failures);
                // A source that went quiet (no torrent peer sending) shows as stalled on its way back to the queue.
                await store.TransitionAsync(job, Owner, JobStates.Retrying, $"attempt failed ({message}); retrying in {delay.TotalSeconds:0} s",
                    payload, runAfter: time.GetUtcNow() + delay, error: (kind, message), countFailure: true,
                    via: kind == "stalled" ? JobStates.Stalled : null).ConfigureAwait(false);
            }
            else
            {
                // After the fenced write: if the lease was lost, the folder belongs to the worker that has the job now.
                await store.TransitionAsync(job, Owner, JobStates.Failed, message, payload, error: (kind, message), countFailure: true).ConfigureAwait(false);
                DeleteWorkDir(context.WorkDirPath);
            }
        }
        catch (JobLeaseLostException)
        {
            logger.LogWarning("Lost the lease on job {JobId} while recording its failure", job.Id);
        }
        catch (InvalidJobTransitionException t)
        {
            logger.LogWarning("Job {JobId}: {Message}", job.Id, t.Message);
        }
        catch (Exception e) when (DatabaseOutage.Is(e))
        {
            // The job stays claimed in the database; its lease runs out and the reaper puts it back in line, which is
            // what a crash here would have done. Nothing of its work folder is lost.
            logger.LogWarning("Job {JobId} failed ({Error}) and the database did not answer to record it ({Outage}); it goes back in line when its lease expires",
                job.Id, ex.Message, e.Message);
        }
    }

    /// <summary>Saves progress at most once per interval and renews the lease, until the job's work ends.</summary>
    private async Task PumpAsync(JobContext context, CancellationTokenSource cancel, CancellationToken stop)
    {
        var lastRenew = time.GetUtcNow();
        using var timer = new PeriodicTimer(_options.ProgressSaveInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    await context.FlushProgressAsync(stop).ConfigureAwait(false);
                    if (time.GetUtcNow() - lastRenew >= _options.HeartbeatInterval)
                    {
                        lastRenew = time.GetUtcNow();
                        if (await store.RenewLeaseAsync(context.Job, Owner, stop).ConfigureAwait(false))
                        {
                            await cancel.CancelAsync().ConfigureAwait(false);
                        }
                    }
                }
                catch (Exception ex) when (DatabaseOutage.Is(ex))
                {
                    SawOutage();
                    // Keep working through a short outage and keep trying: stopping here would let the lease lapse
                    // for the rest of the job even after the database is back.
                    logger.LogDebug("Progress for job {JobId} could not be saved: {Error}", context.Id, ex.Message);
                }
                catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
                {
                    // Any other failed write: keep renewing at the next tick for the same reason.
                    logger.LogWarning("Progress for job {JobId} could not be saved: {Error}", context.Id, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (JobLeaseLostException)
        {
            // Someone else owns the job now: stop working on it.
            await cancel.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A restarted process takes back at once what its dead predecessor on this host was running.</summary>
    private async Task ReapDeadPredecessorsAsync(CancellationToken stoppingToken)
    {
        try
        {
            var n = await store.ReapDeadPredecessorsAsync(Owner, stoppingToken).ConfigureAwait(false);
            if (n > 0)
            {
                logger.LogWarning("Took back {Count} job(s) of a worker process on this host that is gone", n);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Looking for jobs of dead workers on this host failed; their leases will expire instead");
        }
    }

    private async Task ReapLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.ReapInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (time.GetUtcNow() - LastOutage < _options.LeaseDuration)
            {
                // The database was away a moment ago: every worker's renewals failed meanwhile, not only dead ones'.
                // Live workers (here and in other processes) renew at their next heartbeat; give them a full lease.
                continue;
            }
            try
            {
                var n = await store.ReapExpiredAsync(_running.Keys.ToArray(), stoppingToken).ConfigureAwait(false);
                if (n > 0)
                {
                    logger.LogWarning("Put {Count} job(s) of unresponsive workers back in line", n);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (DatabaseOutage.Is(ex))
                {
                    SawOutage();
                }
                logger.LogWarning(DatabaseOutage.Is(ex) ? null : ex, "Reaping expired leases failed: {Error}", ex.Message);
            }
        }
    }

    private async Task WatchCancelsAsync(JobSubscription subscription, CancellationToken stoppingToken)
    {
        await foreach (var update in subscription.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            if (_cancels.TryGetValue(update.JobId, out var cts))
            {
                logger.LogInformation("Cancelling running job {JobId}", update.JobId);
                await cts.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    private TimeSpan RetryDelay(int failures)
    {
        var exp = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 16));
        var jitter = 0.8 + Random.Shared.NextDouble() * 0.4;
        return TimeSpan.FromMilliseconds(Math.Min(exp * jitter, _options.RetryMaxDelay.TotalMilliseconds));
    }

    private void DeleteWorkDir(string workDir)
    {
        try
        {
            if (Directory.Exists(workDir))
            {
                Directory.Delete(workDir, recursive: true);
            }
        }
        catch (IOException ex)
        {
            logger.LogWarning("Could not remove work folder {WorkDir}: {Error}", workDir, ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            logger.LogWarning("Could not remove work folder {WorkDir}: {Error}", workDir, ex.Message);
        }
    }
}
