using System.Text.Json;
using Npgsql;

namespace Hub.Domain.Jobs;

/// <summary>Reads job rows returned by the queue's hand-written SQL (RETURNING j.*, or the <see cref="Changing"/> columns).</summary>
internal static class JobRow
{
    /// <summary>
    /// Reads every row the command returns: whole rows (RETURNING j.*), or, given <paramref name="before"/>, the
    /// <see cref="Changing"/> columns of that job laid over the rest of it as the caller already has it.
    /// </summary>
    public static async Task<List<Job>> ReadAllAsync(NpgsqlCommand cmd, CancellationToken cancellationToken, Job? before = null)
    {
        var jobs = new List<Job>(1);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(before is null ? Read(reader) : ReadChanged(reader, before));
        }
        return jobs;
    }

    /// <summary>
    /// The columns a worker's fenced writes (progress, transitions, completion) change, and the others' writes to a
    /// running job (a cancel request): what those writes return instead of the whole row. The rest (what the job is,
    /// its request, title and source) changes while a job runs only through <see cref="JobStore.PatchAsync"/>, which
    /// reads the whole row back; so the worker's copy of it stays right, and is not read, parsed and allocated again.
    /// </summary>
    public const string Changing = "state, queue, progress, bytes_done, bytes_total, speed_bps, eta_seconds, peers, seeders, upload_bps, seeding, " +
        "error, error_kind, attempt, failures, run_after, lease_owner, lease_expires_at, cancel_requested, entry_id, result, updated_at, started_at, finished_at";

    /// <summary>How many <see cref="Changing"/> columns there are: the ordinal of a column a statement returns after them.</summary>
    public const int ChangingCount = 24;

    /// <summary>The <see cref="Changing"/> columns, each qualified with <paramref name="alias"/> (for a statement where other tables have such names).</summary>
    public static string ChangingOf(string alias) => string.Join(", ", Changing.Split(", ").Select(c => alias + "." + c));

    /// <summary>A row of <see cref="Changing"/> columns (in that order) over the rest of <paramref name="before"/>.</summary>
    public static Job ReadChanged(NpgsqlDataReader r, Job before) => new()
    {
        Id = before.Id,
        ParentId = before.ParentId,
        Kind = before.Kind,
        Door = before.Door,
        RequestedBy = before.RequestedBy,
        Source = before.Source,
        LibraryId = before.LibraryId,
        Format = before.Format,
        Mode = before.Mode,
        Request = before.Request,
        Title = before.Title,
        MaxAttempts = before.MaxAttempts,
        WorkDir = before.WorkDir,
        CreatedAt = before.CreatedAt,
        IdempotencyKey = before.IdempotencyKey,
        State = r.GetString(0),
        Queue = r.GetString(1),
        Progress = r.GetDouble(2),
        BytesDone = r.GetInt64(3),
        BytesTotal = Get<long?>(r, 4),
        SpeedBps = Get<double?>(r, 5),
        EtaSeconds = Get<double?>(r, 6),
        Peers = Get<int?>(r, 7),
        Seeders = Get<int?>(r, 8),
        UploadBps = Get<double?>(r, 9),
        Seeding = r.GetBoolean(10),
        Error = Get<string>(r, 11),
        ErrorKind = Get<string>(r, 12),
        Attempt = r.GetInt32(13),
        Failures = r.GetInt32(14),
        RunAfter = r.GetFieldValue<DateTimeOffset>(15),
        LeaseOwner = Get<string>(r, 16),
        LeaseExpiresAt = Get<DateTimeOffset?>(r, 17),
        CancelRequested = r.GetBoolean(18),
        EntryId = Get<Guid?>(r, 19),
        Result = Get<string>(r, 20) is { } res ? JsonDocument.Parse(res) : null,
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(21),
        StartedAt = Get<DateTimeOffset?>(r, 22),
        FinishedAt = Get<DateTimeOffset?>(r, 23),
    };

    /// <summary>
    /// Runs one of the queue's frequent statements prepared and reads the job rows it returns. A pooled connection
    /// keeps its prepared statements, so PostgreSQL parses and plans each statement once per connection instead of at
    /// every call (planning the claim and finish statements cost more than running them). Runs on the command's own
    /// connection when it has one (a caller's transaction), else on one from the pool.
    /// </summary>
    public static async Task<List<Job>> ReadPreparedAsync(NpgsqlDataSource dataSource, NpgsqlCommand cmd, CancellationToken cancellationToken,
        Job? before = null)
    {
        if (cmd.Connection is not null)
        {
            await cmd.PrepareAsync(cancellationToken).ConfigureAwait(false);
            return await ReadAllAsync(cmd, cancellationToken, before).ConfigureAwait(false);
        }
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        cmd.Connection = conn;
        await cmd.PrepareAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAllAsync(cmd, cancellationToken, before).ConfigureAwait(false);
    }

    public static Job Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetGuid(r.GetOrdinal("id")),
        ParentId = Get<Guid?>(r, "parent_id"),
        Kind = r.GetString(r.GetOrdinal("kind")),
        Queue = r.GetString(r.GetOrdinal("queue")),
        State = r.GetString(r.GetOrdinal("state")),
        Door = r.GetString(r.GetOrdinal("door")),
        RequestedBy = Get<string>(r, "requested_by"),
        Source = Get<string>(r, "source"),
        LibraryId = Get<Guid?>(r, "library_id"),
        EntryId = Get<Guid?>(r, "entry_id"),
        Format = Get<string>(r, "format"),
        Mode = r.GetString(r.GetOrdinal("mode")),
        Request = JsonDocument.Parse(r.GetString(r.GetOrdinal("request"))),
        Result = Get<string>(r, "result") is { } res ? JsonDocument.Parse(res) : null,
        Title = Get<string>(r, "title"),
        Progress = r.GetDouble(r.GetOrdinal("progress")),
        BytesDone = r.GetInt64(r.GetOrdinal("bytes_done")),
        BytesTotal = Get<long?>(r, "bytes_total"),
        SpeedBps = Get<double?>(r, "speed_bps"),
        EtaSeconds = Get<double?>(r, "eta_seconds"),
        Peers = Get<int?>(r, "peers"),
        Seeders = Get<int?>(r, "seeders"),
        UploadBps = Get<double?>(r, "upload_bps"),
        Seeding = r.GetBoolean(r.GetOrdinal("seeding")),
        Error = Get<string>(r, "error"),
        ErrorKind = Get<string>(r, "error_kind"),
        Attempt = r.GetInt32(r.GetOrdinal("attempt")),
        Failures = r.GetInt32(r.GetOrdinal("failures")),
        MaxAttempts = r.GetInt32(r.GetOrdinal("max_attempts")),
        RunAfter = r.GetFieldValue<DateTimeOffset>(r.GetOrdinal("run_after")),
        LeaseOwner = Get<string>(r, "lease_owner"),
        LeaseExpiresAt = Get<DateTimeOffset?>(r, "lease_expires_at"),
        CancelRequested = r.GetBoolean(r.GetOrdinal("cancel_requested")),
        WorkDir = Get<string>(r, "work_dir"),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(r.GetOrdinal("created_at")),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(r.GetOrdinal("updated_at")),
        StartedAt = Get<DateTimeOffset?>(r, "started_at"),
        FinishedAt = Get<DateTimeOffset?>(r, "finished_at"),
        IdempotencyKey = Get<string>(r, "idempotency_key"),
    };

    private static T? Get<T>(NpgsqlDataReader r, string column) => Get<T>(r, r.GetOrdinal(column));

    private static T? Get<T>(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? default : r.GetFieldValue<T>(i);

    /// <summary>SQL for "write a transition event for every row of CTE <paramref name="cte"/> (which has id, from_state, state)".</summary>
    public static string EventInsert(string cte, string kind, string messageParam, string payloadParam, string toState = "state") =>
        $"INSERT INTO job_events (job_id, kind, from_state, to_state, message, payload) SELECT id, '{kind}', from_state, {toState}, {messageParam}, {payloadParam} FROM {cte}";
}
