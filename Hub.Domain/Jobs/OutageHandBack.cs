using Hub.Domain.Storage;
using Microsoft.Extensions.Logging;

namespace Hub.Domain.Jobs;

internal static class OutageHandBack
{
    /// <summary>
    /// The database went away under a running job: nothing is wrong with the job. Its work folder (and a finished
    /// download in it) stays; once the database answers, the job goes back in line at once without counting a failure.
    /// </summary>
    public static async Task RunAsync(JobStore store, JobContext context, Exception ex, TimeProvider time, ILogger logger, CancellationToken stoppingToken)
    {
        logger.LogWarning("Job {JobId}: the database is unreachable ({Error}); its work is kept and it is handed back when the database returns",
            context.Id, ex.Message);
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.TransitionAsync(context.Job, context.Owner, JobStates.Retrying, "the database was unreachable; handed back, its work kept",
                    runAfter: time.GetUtcNow(), cancellationToken: stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (Exception again) when (DatabaseOutage.Is(again))
            {
            }
            catch (Exception gone) when (gone is JobLeaseLostException or InvalidJobTransitionException)
            {
                return; // the reaper or another worker has it now
            }
            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // shutting down: the next start (or the reaper) takes it back
            }
            delay = TimeSpan.FromSeconds(Math.Min(10, delay.TotalSeconds * 2));
        }
    }
}
