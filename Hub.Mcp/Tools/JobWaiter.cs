using Hub.Domain.Jobs;
using ModelContextProtocol;

namespace Hub.Mcp.Tools;

/// <summary>Follows one job through live updates until it ends or the time is up, forwarding its progress.</summary>
internal static class JobWaiter
{
    /// <summary>At most about four progress notifications a second, each sent well after the one before.</summary>
    private static readonly TimeSpan MinSpacing = TimeSpan.FromMilliseconds(250);

    public static async Task<JobResultView> WaitAsync(JobQueue queue, JobSubscription subscription, Job job, TimeSpan timeout,
        IProgress<ProgressNotificationValue>? progress, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        // Re-read the row now: an update between enqueue and subscribe cannot be lost, but the job may already be done.
        job = await queue.GetAsync(job.Id, cancellationToken).ConfigureAwait(false);
        double last = -1;
        var lastSentAt = DateTime.MinValue;
        try
        {
            while (!JobStates.IsTerminal(job.State))
            {
                Report(job.State, job.Progress);
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(timer.Token);
                // A missed notification (another process, a dropped NOTIFY) costs at most this delay.
                poll.CancelAfter(TimeSpan.FromSeconds(5));
                try
                {
                    await foreach (var u in subscription.ReadAllAsync(poll.Token).ConfigureAwait(false))
                    {
                        if (u.JobId != job.Id)
                        {
                            continue;
                        }
                        Report(u.State, u.Progress);
                        if (u.IsFinal)
                        {
                            break;
                        }
                    }
                }
                catch (OperationCanceledException) when (!timer.IsCancellationRequested)
                {
                }
                job = await queue.GetAsync(job.Id, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            job = await queue.GetAsync(job.Id, cancellationToken).ConfigureAwait(false);
            return new JobResultView(JobView.From(job), $"Still {job.State} after {timeout.TotalSeconds:0} s; follow it with get_job.", StillRunning: true);
        }
        // The SDK sends each notification without waiting for the one before; spacing them keeps them in order.
        var sinceLast = DateTime.UtcNow - lastSentAt;
        if (sinceLast < MinSpacing)
        {
            await Task.Delay(MinSpacing - sinceLast, cancellationToken).ConfigureAwait(false);
        }
        Report(job.State, 100, final: true);
        return new JobResultView(JobView.From(job), job.State switch
        {
            JobStates.Completed => "The import completed.",
            JobStates.Failed => "The import failed: " + job.Error,
            _ => "The import was " + job.State + ".",
        });

        void Report(string state, double percent, bool final = false)
        {
            if (progress is null || percent <= last || (!final && DateTime.UtcNow - lastSentAt < MinSpacing))
            {
                return;
            }
            last = percent;
            lastSentAt = DateTime.UtcNow;
            progress.Report(new ProgressNotificationValue { Progress = (float)percent, Total = 100, Message = state });
        }
    }
}
