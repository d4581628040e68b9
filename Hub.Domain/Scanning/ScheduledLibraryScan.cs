using Coravel.Invocable;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Domain.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Scanning;

/// <summary>
/// Coravel fires this hourly; every <see cref="ScannerOptions.ScheduleHours"/> it enqueues one scan job per library, keyed
/// by library and time slot, so any number of processes firing it make one job each (as the housekeeping does). A library
/// whose folder does not exist (nothing was ever filed there) is left out rather than failing a scan every few hours; a
/// scan asked for by someone still says the folder is missing.
/// </summary>
public sealed class ScheduledLibraryScan(IOptions<ScannerOptions> options, IOptions<HubOptions> hubOptions, LibraryService libraries, JobQueue queue,
    TimeProvider time, ILogger<ScheduledLibraryScan> logger) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public async Task Invoke()
    {
        if (options.Value.ScheduleHours <= 0)
        {
            return;
        }
        var slot = new ScheduledJob(ScanService.Kind, ScanService.Queue, "Library scan", TimeSpan.FromHours(options.Value.ScheduleHours));
        var at = slot.SlotOf(time.GetUtcNow());
        foreach (var library in await libraries.ListAsync(CancellationToken).ConfigureAwait(false))
        {
            if (!Directory.Exists(FilePlacer.ResolveRoot(library, hubOptions.Value)))
            {
                logger.LogDebug("Scheduled scan skips {Library}: its folder does not exist", library.Name);
                continue;
            }
            var job = await queue.EnqueueAsync(ScanService.Spec(library, Imports.Doors.Cli, "scheduler") with
            {
                IdempotencyKey = $"{slot.KeyFor(at)}:{library.Id:N}",
            }, CancellationToken).ConfigureAwait(false);
            logger.LogDebug("Scheduled scan of {Library}: job {JobId}", library.Name, job.Id);
        }
    }
}
