using Hub.Domain.Jobs;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Imports;

/// <summary>
/// A parent job (a playlist or a batch) waits for its children and reports their aggregate progress; it completes when
/// every child has ended, and fails only when none of them succeeded.
/// </summary>
public sealed class ParentJobHandler(IDbContextFactory<HubDbContext> dbFactory, JobUpdates updates, JobQueue queue) : IJobHandler
{
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(2);

    public string Queue => JobQueues.Expand;
    public string RunningState => JobStates.Processing;

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        using var childUpdates = updates.Subscribe(u => u.ParentId == context.Id);
        while (true)
        {
            var summary = await SummarizeAsync(context.Id, cancellationToken).ConfigureAwait(false);
            context.Report(new JobProgress(Math.Min(99, summary.Progress), summary.BytesDone, summary.BytesTotal, null, null));
            if (summary.Total > 0 && summary.Active == 0)
            {
                var result = new { summary.Total, summary.Completed, summary.Failed, summary.Cancelled };
                if ((await queue.GetAsync(context.Id, cancellationToken).ConfigureAwait(false)).CancelRequested)
                {
                    // The children ended because this job is being cancelled: let the worker's cancel take it.
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                if (summary.Completed == 0)
                {
                    throw ImportFailedException.Permanent("children-failed", $"None of the {summary.Total} imports succeeded ({summary.Failed} failed, {summary.Cancelled} cancelled).");
                }
                await context.CompleteAsync(null, result, $"{summary.Completed} of {summary.Total} imported", null, cancellationToken).ConfigureAwait(false);
                return;
            }
            // Wake on any child's update, or re-check after a while (a missed notification costs only a delay).
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(Recheck);
            try
            {
                await foreach (var _ in childUpdates.ReadAllAsync(wait.Token).ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    public sealed record ChildSummary(int Total, int Completed, int Failed, int Cancelled, int Active, double Progress, long BytesDone, long? BytesTotal);

    public async Task<ChildSummary> SummarizeAsync(Guid parentId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var children = await db.Jobs.AsNoTracking().Where(j => j.ParentId == parentId)
            .Select(j => new { j.State, j.Progress, j.BytesDone, j.BytesTotal }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var total = children.Count;
        var completed = children.Count(c => c.State == JobStates.Completed);
        var failed = children.Count(c => c.State == JobStates.Failed);
        var cancelled = children.Count(c => c.State == JobStates.Cancelled);
        // Ended children count fully; the rest by their own progress.
        var progress = total == 0 ? 0 : children.Sum(c => JobStates.IsTerminal(c.State) ? 100 : c.Progress) / total;
        var bytesTotal = children.All(c => c.BytesTotal is not null) ? children.Sum(c => c.BytesTotal ?? 0) : (long?)null;
        return new ChildSummary(total, completed, failed, cancelled, total - completed - failed - cancelled, progress, children.Sum(c => c.BytesDone), bytesTotal);
    }
}
