using Hub.Domain.Storage;

namespace Hub.Domain.Jobs;

/// <summary>
/// What a handler gets while it runs one job: the job row, its own work folder, and fenced ways to report progress,
/// change state and finish. Progress reports are cheap; the worker saves the latest at most once a second.
/// </summary>
public sealed class JobContext
{
    private readonly JobStore _store;
    private readonly object _gate = new();
    private JobProgress? _pending;
    private double _maxPercent;
    private readonly string _workDir;

    internal JobContext(Job job, string owner, string workDir, JobStore store)
    {
        Job = job;
        Owner = owner;
        _workDir = workDir;
        _store = store;
        _maxPercent = job.Progress;
    }

    public Job Job { get; private set; }
    public Guid Id => Job.Id;
    public string Owner { get; }

    /// <summary>
    /// This job's own temp folder, the same on every attempt (so downloads can resume), created on first use and
    /// removed when the job ends.
    /// </summary>
    public string WorkDir
    {
        get
        {
            Directory.CreateDirectory(_workDir);
            return _workDir;
        }
    }

    internal string WorkDirPath => _workDir;

    /// <summary>True once the handler completed the job or handed it on (another queue, the review inbox).</summary>
    public bool Finished { get; private set; }

    /// <summary>Records progress; the worker persists and publishes the latest value at most once a second.</summary>
    public void Report(JobProgress progress)
    {
        lock (_gate)
        {
            // Monotonic while active: a late or noisy report never moves the bar backwards.
            _maxPercent = Math.Max(_maxPercent, Math.Clamp(progress.Percent, 0, 100));
            _pending = progress with { Percent = _maxPercent };
        }
    }

    internal JobProgress? TakePending()
    {
        lock (_gate)
        {
            var p = _pending;
            _pending = null;
            return p;
        }
    }

    internal Task FlushProgressAsync(CancellationToken cancellationToken) =>
        TakePending() is { } p ? _store.SaveProgressAsync(Job, Owner, p, cancellationToken) : Task.CompletedTask;

    /// <summary>Moves between running states (e.g. downloading → processing), keeping the lease.</summary>
    public async Task TransitionAsync(string to, string message, object? payload, CancellationToken cancellationToken)
    {
        await FlushProgressAsync(cancellationToken).ConfigureAwait(false);
        Job = await _store.TransitionAsync(Job, Owner, to, message, payload, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task PatchAsync(JobPatch patch, CancellationToken cancellationToken) =>
        Job = await _store.PatchAsync(Job, Owner, patch, cancellationToken).ConfigureAwait(false);

    /// <summary>Completes the job; <paramref name="writeInTransaction"/> commits with it (e.g. the entry row) or not at all.</summary>
    public Task CompleteAsync(Guid? entryId, object? result, string message,
        Func<HubDbContext, CancellationToken, Task>? writeInTransaction, CancellationToken cancellationToken) =>
        CompleteAsync(entryId, result, message, writeInTransaction, [], cancellationToken);

    /// <summary>
    /// Completes the job and enqueues <paramref name="followUps"/> in the same transaction: they exist exactly when the
    /// completion does (see <see cref="JobStore.CompleteAsync"/>).
    /// </summary>
    public async Task CompleteAsync(Guid? entryId, object? result, string message,
        Func<HubDbContext, CancellationToken, Task>? writeInTransaction, IReadOnlyList<NewJob> followUps, CancellationToken cancellationToken)
    {
        await FlushProgressAsync(cancellationToken).ConfigureAwait(false);
        Job = await _store.CompleteAsync(Job, Owner, entryId, result, message, writeInTransaction, followUps, cancellationToken).ConfigureAwait(false);
        Finished = true;
        DeleteWorkDir();
    }

    /// <summary>
    /// Hands the job on and releases it: to another queue (state queued, e.g. probe → download), or to a waiting
    /// state such as the review inbox.
    /// </summary>
    public async Task MoveToAsync(string state, string? queue, string message, object? payload, CancellationToken cancellationToken)
    {
        await FlushProgressAsync(cancellationToken).ConfigureAwait(false);
        Job = await _store.TransitionAsync(Job, Owner, state, message, payload, queue: queue, runAfter: DateTimeOffset.UtcNow,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        Finished = true;
    }

    /// <summary>Removes this job's temp folder (best effort); the worker calls it before a job is reported ended.</summary>
    internal void DeleteWorkDir()
    {
        try
        {
            if (Directory.Exists(_workDir))
            {
                Directory.Delete(_workDir, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The maintenance job removes leftovers later.
        }
    }
}
