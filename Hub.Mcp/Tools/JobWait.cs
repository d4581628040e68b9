using System.Diagnostics;
using Hub.Domain.Jobs;
using ModelContextProtocol;

namespace Hub.Mcp.Tools;

/// <summary>Renders <see cref="JobFollower"/>'s live states of one job as MCP progress notifications, until it ends or the time is up.</summary>
internal static class JobWait
{
    /// <summary>
    /// At most about four notifications a second, each sent well after the one before: the SDK sends notifications
    /// without waiting for the previous one, so closer ones may arrive out of order.
    /// </summary>
    private static readonly TimeSpan MinSpacing = TimeSpan.FromMilliseconds(250);

    public static async Task<JobResultView> WaitAsync(JobFollower follower, JobQueue queue, Guid jobId, TimeSpan timeout,
        IProgress<ProgressNotificationValue>? progress, CancellationToken cancellationToken)
    {
        double last = -1;
        long lastSentAt = 0;
        var ended = false;
        using (var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timer.CancelAfter(timeout);
            try
            {
                await foreach (var update in follower.FollowAsync(jobId, cancellationToken: timer.Token).ConfigureAwait(false))
                {
                    ended = update.IsFinal;
                    if (!ended)
                    {
                        Report(update.State, update.Progress);
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }
        var job = await queue.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (!ended)
        {
            return new JobResultView(JobView.From(job), $"Still {job.State} after {timeout.TotalSeconds:0} s; follow it with get_job.", StillRunning: true);
        }
        if (lastSentAt != 0 && Stopwatch.GetElapsedTime(lastSentAt) < MinSpacing)
        {
            await Task.Delay(MinSpacing - Stopwatch.GetElapsedTime(lastSentAt), cancellationToken).ConfigureAwait(false);
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
            if (progress is null || percent <= last || (!final && lastSentAt != 0 && Stopwatch.GetElapsedTime(lastSentAt) < MinSpacing))
            {
                return;
            }
            last = percent;
            lastSentAt = Stopwatch.GetTimestamp();
            progress.Report(new ProgressNotificationValue { Progress = (float)percent, Total = 100, Message = state });
        }
    }
}
