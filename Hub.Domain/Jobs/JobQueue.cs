using System.Text.Json;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Hub.Domain.Jobs;

/// <summary>
/// The doors' side of the queue: create jobs, read them, cancel and retry them. Workers use <see cref="JobStore"/>.
/// </summary>
public sealed class JobQueue(NpgsqlDataSource dataSource, IDbContextFactory<HubDbContext> dbFactory, Microsoft.Extensions.Options.IOptions<JobOptions> options,
    JobBroadcaster broadcaster)
{
    public async Task<Job> EnqueueAsync(NewJob spec, CancellationToken cancellationToken) =>
        (await EnqueueManyAsync([spec], cancellationToken).ConfigureAwait(false))[0];

    public async Task<IReadOnlyList<Job>> EnqueueManyAsync(IReadOnlyList<NewJob> specs, CancellationToken cancellationToken)
    {
        List<Job?> created;
        await using (var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            created = await InsertAsync(conn, null, specs, options.Value.MaxAttempts, cancellationToken).ConfigureAwait(false);
        }
        broadcaster.Published(created.OfType<Job>().ToList());
        var jobs = new List<Job>(specs.Count);
        for (var i = 0; i < specs.Count; i++)
        {
            jobs.Add(created[i] ?? await GetByIdempotencyKeyAsync(specs[i].IdempotencyKey!, cancellationToken).ConfigureAwait(false));
        }
        return jobs;
    }

    /// <summary>
    /// Inserts <paramref name="specs"/> on <paramref name="conn"/>, inside <paramref name="tx"/> when given (a job's
    /// completion and its follow-ups commit together, see <see cref="JobStore.CompleteAsync"/>). Publishes nothing: the
    /// caller does once the rows are committed. One element per spec: its new row, or null when a job with its
    /// idempotency key already exists.
    /// </summary>
    internal static async Task<List<Job?>> InsertAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IReadOnlyList<NewJob> specs, int defaultMaxAttempts,
        CancellationToken cancellationToken)
    {
        foreach (var s in specs)
        {
            if (s.State is not (JobStates.Queued or JobStates.AwaitingReview))
            {
                throw new ArgumentException($"A new job starts queued or awaiting review, not {s.State}.", nameof(specs));
            }
        }
        // One statement for every spec (their values as arrays, one element each), prepared (see
        // JobRow.ReadPreparedAsync): planned once per connection and run once per call, however many specs.
        var n = specs.Count;
        var ids = new Guid[n];
        var parents = new Guid?[n];
        var kinds = new string[n];
        var queues = new string[n];
        var states = new string[n];
        var doors = new string[n];
        var requestedBy = new string?[n];
        var sources = new string?[n];
        var titles = new string?[n];
        var libraries = new Guid?[n];
        var formats = new string?[n];
        var modes = new string[n];
        var requests = new string[n];
        var maxAttempts = new int[n];
        var runAfter = new DateTimeOffset?[n];
        var keys = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var s = specs[i];
            ids[i] = Guid.CreateVersion7();
            parents[i] = s.ParentId;
            kinds[i] = s.Kind;
            queues[i] = s.Queue;
            states[i] = s.State;
            doors[i] = s.Door;
            requestedBy[i] = s.RequestedBy;
            sources[i] = s.Source;
            titles[i] = s.Title;
            libraries[i] = s.LibraryId;
            formats[i] = s.Format;
            modes[i] = s.Mode;
            requests[i] = JsonSerializer.Serialize(s.Request ?? new { }, JobJson.Options);
            maxAttempts[i] = s.MaxAttempts ?? defaultMaxAttempts;
            runAfter[i] = s.RunAfter;
            keys[i] = s.IdempotencyKey;
        }
        // A spec whose idempotency key a job already has (or an earlier spec of the same call) inserts nothing.
        await using var cmd = new NpgsqlCommand("""
            WITH u AS (
                INSERT INTO jobs (id, parent_id, kind, queue, state, door, requested_by, source, title, library_id, format, mode,
                                  request, max_attempts, run_after, idempotency_key)
                SELECT id, parent_id, kind, queue, state, door, requested_by, source, title, library_id, format, mode,
                       request, max_attempts, coalesce(run_after, now()), idempotency_key
                FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                            $10::uuid[], $11::text[], $12::text[], $13::jsonb[], $14::int[], $15::timestamptz[], $16::text[])
                    WITH ORDINALITY AS s (id, parent_id, kind, queue, state, door, requested_by, source, title, library_id, format, mode,
                                          request, max_attempts, run_after, idempotency_key, n)
                ORDER BY n
                ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                RETURNING *)
            , e AS (INSERT INTO job_events (job_id, kind, from_state, to_state, message) SELECT id, 'transition', NULL, state, 'created' FROM u)
            SELECT * FROM u
            """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = parents });
        cmd.Parameters.Add(new NpgsqlParameter { Value = kinds });
        cmd.Parameters.Add(new NpgsqlParameter { Value = queues });
        cmd.Parameters.Add(new NpgsqlParameter { Value = states });
        cmd.Parameters.Add(new NpgsqlParameter { Value = doors });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = requestedBy });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = sources });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = titles });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = libraries });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = formats });
        cmd.Parameters.Add(new NpgsqlParameter { Value = modes });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = requests });
        cmd.Parameters.Add(new NpgsqlParameter { Value = maxAttempts });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = runAfter });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = keys });
        await cmd.PrepareAsync(cancellationToken).ConfigureAwait(false);
        var inserted = new Dictionary<Guid, Job>(n);
        foreach (var job in await JobRow.ReadAllAsync(cmd, cancellationToken).ConfigureAwait(false))
        {
            inserted[job.Id] = job;
        }
        // One element per spec: its new row, or null when a job with its idempotency key already exists.
        var created = new List<Job?>(n);
        foreach (var id in ids)
        {
            created.Add(inserted.GetValueOrDefault(id));
        }
        return created;
    }

    private async Task<Job> GetByIdempotencyKeyAsync(string key, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Jobs.AsNoTracking().SingleAsync(j => j.IdempotencyKey == key, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Job> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw new HubNotFoundException("job", $"No job {id}.");
    }

    /// <summary>Newest activity first, keyset-paginated on (updated_at, id) so pages stay stable while jobs change.</summary>
    public async Task<IReadOnlyList<Job>> ListAsync(JobFilter filter, CancellationToken cancellationToken)
    {
        TextInput.Check(filter.Kind, "kind", 200);
        TextInput.Check(filter.Door, "door", 200);
        TextInput.Check(filter.States, "state", 200);
        TextInput.Check(filter.Text, "q", 200);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var q = db.Jobs.AsNoTracking();
        if (filter.Kind is { } kind) q = q.Where(j => j.Kind == kind);
        if (filter.Door is { } door) q = q.Where(j => j.Door == door);
        if (filter.LibraryId is { } lib) q = q.Where(j => j.LibraryId == lib);
        if (filter.ParentId is { } parent) q = q.Where(j => j.ParentId == parent);
        if (filter.RequestedBy is { } by) q = q.Where(j => j.RequestedBy == by);
        if (!filter.IncludeSystem) q = q.Where(j => !JobQueues.System.Contains(j.Queue));
        foreach (var word in (filter.Text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // A literal match: the user's % and _ are not wildcards (escaped with a backslash, named as the escape: Npgsql's default is none).
            var pattern = "%" + word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";
            q = q.Where(j => EF.Functions.ILike(j.Title ?? "", pattern, "\\") || EF.Functions.ILike(j.Source ?? "", pattern, "\\")
                || EF.Functions.ILike(j.Error ?? "", pattern, "\\"));
        }
        if (filter.Before is { } before)
        {
            // The first condition alone lets the index scan start at the cursor instead of filtering its way there.
            q = q.Where(j => j.UpdatedAt <= before.UpdatedAt)
                .Where(j => j.UpdatedAt < before.UpdatedAt || (j.UpdatedAt == before.UpdatedAt && j.Id.CompareTo(before.Id) < 0));
        }
        // Finished and unfinished jobs are read apart, each through its own partial indexes in list order, and merged
        // (ix_jobs_finished and ix_jobs_finished_door_kind; ix_jobs_unfinished): so a job moving through the queue is
        // in one list index, not in all (each of its writes adds an entry to every index whose predicate it meets).
        // A part the state filter rules out is not read at all.
        var limit = Math.Clamp(filter.Limit, 1, 500);
        var states = filter.States is { Count: > 0 } wanted ? wanted : null;
        var finishedStates = (states ?? JobStates.Terminal).Where(JobStates.IsTerminal).ToList();
        var unfinishedStates = (states ?? JobStates.All).Where(x => !JobStates.IsTerminal(x)).ToList();
        IQueryable<Job>? parts = null;
        if (finishedStates.Count > 0)
        {
            parts = NewestFirst(q.Where(j => finishedStates.Contains(j.State))).Take(limit);
        }
        if (unfinishedStates.Count > 0)
        {
            var unfinished = NewestFirst(q.Where(j => unfinishedStates.Contains(j.State))).Take(limit);
            parts = parts is null ? unfinished : parts.Concat(unfinished);
        }
        return await NewestFirst(parts!).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    private static IOrderedQueryable<Job> NewestFirst(IQueryable<Job> q) => q.OrderByDescending(j => j.UpdatedAt).ThenByDescending(j => j.Id);

    public async Task<IReadOnlyList<JobEvent>> EventsAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.JobEvents.AsNoTracking().Where(e => e.JobId == jobId).OrderBy(e => e.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Cancels a job. Waiting jobs are cancelled at once; a running job is flagged, and its worker (told through
    /// NOTIFY) stops the engine, kills its processes and removes its temp files.
    /// </summary>
    public async Task<Job> CancelAsync(Guid id, string reason, CancellationToken cancellationToken)
    {
        var job = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (JobStates.IsTerminal(job.State))
        {
            throw new HubConflictException("job-finished", $"Job {id} is already {job.State}.");
        }
        // The job itself first, then its children (a playlist or batch takes them with it): a parent whose children
        // all end must already know it is being cancelled, or it would report them as failed.
        var result = await CancelOneAsync(id, reason, cancellationToken).ConfigureAwait(false);
        await CancelChildrenAsync(id, reason, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task CancelChildrenAsync(Guid id, string reason, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var children = await db.Jobs.AsNoTracking().Where(j => j.ParentId == id && !JobStates.Terminal.Contains(j.State))
            .Select(j => j.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var child in children)
        {
            try
            {
                await CancelAsync(child, reason, cancellationToken).ConfigureAwait(false);
            }
            catch (HubConflictException)
            {
                // It finished meanwhile.
            }
        }
    }

    private async Task<Job> CancelOneAsync(Guid id, string reason, CancellationToken cancellationToken)
    {
        var moved = await ExecTransitionAsync(id, JobStates.Cancelled, [JobStates.Queued, JobStates.Retrying, JobStates.AwaitingReview, JobStates.Stalled],
            reason, cancellationToken).ConfigureAwait(false);
        if (moved is not null)
        {
            return moved;
        }
        await using var cmd = dataSource.CreateCommand("""
            WITH u AS (UPDATE jobs SET cancel_requested = true, updated_at = now()
                       WHERE id = $1 AND state IN ('probing', 'downloading', 'processing') RETURNING *),
            e AS (INSERT INTO job_events (job_id, kind, from_state, to_state, message) SELECT id, 'cancel_requested', state, state, $2 FROM u)
            SELECT * FROM u
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(reason);
        var rows = await JobRow.ReadAllAsync(cmd, cancellationToken).ConfigureAwait(false);
        broadcaster.Published(rows);
        if (rows.Count == 1)
        {
            return rows[0];
        }
        var now = await GetAsync(id, cancellationToken).ConfigureAwait(false); // it moved meanwhile: look again
        return JobStates.IsTerminal(now.State) ? now : await CancelOneAsync(id, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Puts a failed or cancelled job back in line, with a fresh retry budget.</summary>
    public async Task<Job> RetryAsync(Guid id, string? queue, CancellationToken cancellationToken)
    {
        var job = await ExecTransitionAsync(id, JobStates.Queued, [JobStates.Failed, JobStates.Cancelled], "retry requested", cancellationToken,
            resetFailures: true, queue: queue).ConfigureAwait(false);
        if (job is not null)
        {
            return job;
        }
        var current = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        throw new HubConflictException("job-not-retryable", $"Only failed or cancelled jobs can be retried; job {id} is {current.State}.");
    }

    /// <summary>Moves a job out of the review inbox: back into a queue (approve) or cancelled (reject).</summary>
    public async Task<Job> ReleaseFromReviewAsync(Guid id, bool approve, string queue, string message, Guid? libraryId, CancellationToken cancellationToken)
    {
        var job = await ExecTransitionAsync(id, approve ? JobStates.Queued : JobStates.Cancelled, [JobStates.AwaitingReview], message,
            cancellationToken, queue: approve ? queue : null, libraryId: libraryId).ConfigureAwait(false);
        if (job is not null)
        {
            return job;
        }
        var current = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        throw new HubConflictException("not-in-inbox", $"Job {id} is {current.State}, not waiting for review.");
    }

    private async Task<Job?> ExecTransitionAsync(Guid id, string to, string[] from, string message, CancellationToken cancellationToken,
        bool resetFailures = false, string? queue = null, Guid? libraryId = null)
    {
        await using var cmd = dataSource.CreateCommand("""
            WITH c AS (SELECT id, state AS from_state FROM jobs WHERE id = $1 AND state = ANY($3) FOR UPDATE),
            u AS (
                UPDATE jobs j SET state = $2, updated_at = now(), run_after = now(),
                    queue = coalesce($6, j.queue), library_id = coalesce($7, j.library_id),
                    failures = CASE WHEN $5 THEN 0 ELSE j.failures END,
                    error = CASE WHEN $5 THEN NULL ELSE j.error END, error_kind = CASE WHEN $5 THEN NULL ELSE j.error_kind END,
                    cancel_requested = false, lease_owner = NULL, lease_expires_at = NULL, speed_bps = NULL, eta_seconds = NULL, peers = NULL, seeders = NULL, upload_bps = NULL, seeding = false,
                    progress = CASE WHEN $5 THEN 0 ELSE j.progress END,
                    finished_at = CASE WHEN $2 IN ('completed', 'failed', 'cancelled') THEN now() ELSE NULL END
                FROM c WHERE j.id = c.id
                RETURNING j.*, c.from_state),
            e AS (INSERT INTO job_events (job_id, kind, from_state, to_state, message) SELECT id, 'transition', from_state, state, $4 FROM u)
            SELECT * FROM u
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(to);
        cmd.Parameters.AddWithValue(from);
        cmd.Parameters.AddWithValue(message);
        cmd.Parameters.AddWithValue(resetFailures);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)queue ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)libraryId ?? DBNull.Value });
        var rows = await JobRow.ReadAllAsync(cmd, cancellationToken).ConfigureAwait(false);
        broadcaster.Published(rows);
        return rows.Count == 1 ? rows[0] : null;
    }
}
