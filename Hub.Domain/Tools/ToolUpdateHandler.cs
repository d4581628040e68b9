using Coravel.Invocable;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Tools;

/// <summary>
/// The weekly yt-dlp check, run as a job in its own "tools" queue (one at a time) with the queue's history and retries.
/// A refused release (bad signature or checksum, failed canary) fails the job for good: retrying would fetch the same files.
/// </summary>
public sealed class ToolUpdateHandler(YtDlpUpdater updater) : IJobHandler
{
    public const string Kind = "tool-update";
    public const string ToolsQueue = "tools";
    public static readonly ScheduledJob Schedule = new(Kind, ToolsQueue, "yt-dlp update check", TimeSpan.FromDays(7));

    public string Queue => ToolsQueue;
    public string RunningState => JobStates.Processing;

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ToolUpdateResult result;
        try
        {
            result = await updater.UpdateAsync(null, cancellationToken).ConfigureAwait(false);
        }
        catch (ToolUpdateException ex)
        {
            // Fetch failures (the release server unreachable) may pass; a refused release will not.
            throw new ImportFailedException(ex.Type, ex.Message, transient: ex.Type == "tool-update-fetch", ex);
        }
        await context.CompleteAsync(null, result, result.Message, null, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>What Coravel fires weekly: enqueues the check when Hub:ToolUpdates:Scheduled is on, else nothing.</summary>
public sealed class ScheduledToolUpdate(IOptions<ToolUpdateOptions> options, JobQueue queue, TimeProvider time, ILogger<EnqueueScheduledJob> logger)
    : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => options.Value.Scheduled
        ? new EnqueueScheduledJob(ToolUpdateHandler.Schedule, queue, time, logger) { CancellationToken = CancellationToken }.Invoke()
        : Task.CompletedTask;
}
