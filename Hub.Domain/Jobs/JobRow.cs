using System.Text.Json;
using Npgsql;

namespace Hub.Domain.Jobs;

/// <summary>Reads job rows returned by the queue's hand-written SQL (RETURNING j.*).</summary>
internal static class JobRow
{
    public static async Task<List<Job>> ReadAllAsync(NpgsqlCommand cmd, CancellationToken cancellationToken)
    {
        var jobs = new List<Job>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(Read(reader));
        }
        return jobs;
    }

    /// <summary>
    /// Runs one of the queue's frequent statements prepared and reads the job rows it returns. A pooled connection
    /// keeps its prepared statements, so PostgreSQL parses and plans each statement once per connection instead of at
    /// every call (planning the claim and finish statements cost more than running them). Runs on the command's own
    /// connection when it has one (a caller's transaction), else on one from the pool.
    /// </summary>
    public static async Task<List<Job>> ReadPreparedAsync(NpgsqlDataSource dataSource, NpgsqlCommand cmd, CancellationToken cancellationToken)
    {
        if (cmd.Connection is not null)
        {
            await cmd.PrepareAsync(cancellationToken).ConfigureAwait(false);
            return await ReadAllAsync(cmd, cancellationToken).ConfigureAwait(false);
        }
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        cmd.Connection = conn;
        await cmd.PrepareAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAllAsync(cmd, cancellationToken).ConfigureAwait(false);
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

    private static T? Get<T>(NpgsqlDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? default : r.GetFieldValue<T>(i);
    }

    /// <summary>SQL for "write a transition event for every row of CTE <paramref name="cte"/> (which has id, from_state, state)".</summary>
    public static string EventInsert(string cte, string kind, string messageParam, string payloadParam, string toState = "state") =>
        $"INSERT INTO job_events (job_id, kind, from_state, to_state, message, payload) SELECT id, '{kind}', from_state, {toState}, {messageParam}, {payloadParam} FROM {cte}";
}
