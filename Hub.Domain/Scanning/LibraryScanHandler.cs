using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;

namespace Hub.Domain.Scanning;

/// <summary>Runs a scan job (from the API, the schedule or the watcher): the summary is the job's result.</summary>
public sealed class LibraryScanHandler(LibraryScanner scanner, LibraryService libraries) : IJobHandler
{
    public string Queue => ScanService.Queue;
    public string RunningState => JobStates.Processing;

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var id = context.Job.LibraryId ?? throw ImportFailedException.Permanent("validation", "This scan names no library.");
        Library library;
        try
        {
            library = await libraries.GetAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (HubNotFoundException)
        {
            throw ImportFailedException.Permanent("no-library", "The library was deleted before its scan ran.");
        }
        // Progress in files, since the total is not known before the walk ends.
        var progress = new FilesProgress(context);
        var summary = await scanner.ScanAsync(library, progress, cancellationToken).ConfigureAwait(false);
        await context.CompleteAsync(null, summary, summary.Text, null, cancellationToken).ConfigureAwait(false);
    }

    private sealed class FilesProgress(JobContext context) : IProgress<int>
    {
        public void Report(int files) => context.Report(new JobProgress(50, files, null, null, null));
    }
}
