using Hub.Domain.Jobs;
using Hub.Domain.Scheduling;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Maintenance;

/// <summary>
/// Hourly housekeeping, run as a job in the maintenance queue (Coravel enqueues one per hour, see <see cref="Schedule"/>;
/// the durable queue runs it like everything else): removes temp folders and uploads no unfinished job needs and expired
/// resumable uploads (<see cref="Imports.ResumableUploadStore"/>), and prunes
/// old maintenance jobs (and webhook deliveries and subscription checks, which pile up by the hour), and indexes the
/// subtitles of entries not yet searchable by what was said (imported before migration 0016, or found by a scan), and
/// watches free disk space (<see cref="Notifications.DiskSpaceWatch"/>).
/// </summary>
public sealed class MaintenanceHandler(
    IDbContextFactory<HubDbContext> dbFactory,
    Entries.SubtitleSearch subtitleSearch,
    Notifications.DiskSpaceWatch diskSpace,
    Imports.ResumableUploadStore resumable,
    IOptions<HubOptions> options,
    TimeProvider time,
    ILogger<MaintenanceHandler> logger) : IJobHandler
{
    public const string Kind = "maintenance";
    public static readonly ScheduledJob Schedule = new(Kind, JobQueues.Maintenance, "Housekeeping", TimeSpan.FromHours(1));
    /// <summary>Temp files younger than this are never touched: an upload may be on its way to becoming a job.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromHours(6);

    public string Queue => JobQueues.Maintenance;
    public string RunningState => JobStates.Processing;

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var summary = await CleanAsync(cancellationToken).ConfigureAwait(false);
        var note = $"removed {summary.WorkDirs} temp folder(s), {summary.Uploads} upload(s), {summary.ExpiredResumable} expired resumable upload(s)";
        await context.CompleteAsync(null, summary, note, null, cancellationToken).ConfigureAwait(false);
    }

    /// <param name="DisksNewlyLow">Disks that went below <c>Hub:Notifications:DiskLowBytes</c> since the last look (told to webhooks once).</param>
    /// <param name="ExpiredResumable">Resumable uploads left unfinished (or finished and unasked for) past <c>Hub:Uploads:ResumableLifetime</c>.</param>
    public sealed record Summary(int WorkDirs, int Uploads, int PrunedJobs, int SubtitlesIndexed = 0, IReadOnlyList<string>? DisksNewlyLow = null,
        int ExpiredResumable = 0);

    public async Task<Summary> CleanAsync(CancellationToken cancellationToken)
    {
        var temp = options.Value.FullTempDir;
        var cutoff = time.GetUtcNow() - Grace;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var unfinished = await db.Jobs.AsNoTracking().Where(j => !JobStates.Terminal.Contains(j.State))
            .Select(j => new { j.Id, j.Request }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var liveIds = unfinished.Select(j => j.Id.ToString("N")).ToHashSet();
        var liveText = string.Join("\n", unfinished.Select(j => j.Request.RootElement.GetRawText()));

        var workDirs = 0;
        var jobsDir = Path.Combine(temp, "jobs");
        if (Directory.Exists(jobsDir))
        {
            foreach (var dir in Directory.EnumerateDirectories(jobsDir))
            {
                if (!liveIds.Contains(Path.GetFileName(dir)) && Directory.GetLastWriteTimeUtc(dir) < cutoff && TryDelete(dir))
                {
                    workDirs++;
                }
            }
        }
        var uploads = 0;
        var uploadsDir = Path.Combine(temp, "uploads");
        if (Directory.Exists(uploadsDir))
        {
            foreach (var file in Directory.EnumerateFiles(uploadsDir))
            {
                // An upload named in an unfinished job's request is still wanted.
                if (!liveText.Contains(Path.GetFileName(file), StringComparison.Ordinal) && File.GetLastWriteTimeUtc(file) < cutoff && TryDelete(file))
                {
                    uploads++;
                }
            }
        }
        var expiredResumable = resumable.RemoveExpired();
        var old = time.GetUtcNow() - TimeSpan.FromDays(7);
        var pruned = await db.Jobs.Where(j => (j.Kind == Kind || j.Kind == Notifications.WebhookDeliveryHandler.Kind || j.Kind == Subscriptions.SubscriptionCheckHandler.Kind) && JobStates.Terminal.Contains(j.State) && j.FinishedAt < old)
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        var indexed = 0;
        for (int n; (n = await subtitleSearch.BackfillAsync(200, cancellationToken).ConfigureAwait(false)) > 0;) indexed += n;
        var low = await diskSpace.CheckAsync(cancellationToken).ConfigureAwait(false);
        return new Summary(workDirs, uploads, pruned, indexed, low, expiredResumable);
    }

    private bool TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true); else File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not remove {Path}: {Error}", path, ex.Message);
            return false;
        }
    }
}
