using System.Text.Json;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Hub.Domain.Jobs;

/// <summary>What a running job reports; written at most once a second.</summary>
public sealed record JobProgress(double Percent, long BytesDone, long? BytesTotal, double? SpeedBps, double? EtaSeconds, JobSwarm? Swarm = null);

/// <summary>Fields a running job may change besides its state.</summary>
public sealed record JobPatch(string? Title = null, Guid? LibraryId = null, string? Format = null, JsonDocument? Request = null, string? Source = null);

/// <summary>
/// The worker side of the queue, in hand-written SQL for speed: claim with FOR UPDATE SKIP LOCKED, fenced writes
/// (every write names the job's attempt and lease owner, so a worker whose lease expired can never finish a job),
/// transitions with their job_events row in the same statement; completion is in JobStore.Complete.cs, the reaper in
/// JobStore.Reap.cs.
/// </summary>
public sealed partial class JobStore(NpgsqlDataSource dataSource, IDbContextFactory<HubDbContext> dbFactory, IOptions<JobOptions> options, JobBroadcaster broadcaster)
{
    // Every statement here uses positional parameters; a fenced one starts with the fence: $1 id, $2 attempt, $3 owner.
    private const string Fence = "id = $1 AND attempt = $2 AND lease_owner = $3";

    // The state a fenced write moves from, for its history row: read in the statement, not locked (a lock would write
    // a WAL record and dirty the row once more per transition). While the fence holds, only the lease owner changes
    // the state, so the value read is the one the update replaces; when the fence fails nothing is written.
    private const string FromState = "FROM (SELECT state AS from_state FROM jobs WHERE id = $1) c";

    private NpgsqlDataSource Db => dataSource;

    public async Task<IReadOnlyList<Job>> ClaimAsync(string queue, string runningState, int max, string owner, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand($"""
            WITH c AS (
                SELECT id, state AS from_state FROM jobs
                WHERE queue = $1 AND state IN ('queued', 'retrying') AND run_after <= now() AND NOT cancel_requested
                ORDER BY run_after, created_at
                LIMIT $3
                FOR UPDATE SKIP LOCKED),
            u AS (
                UPDATE jobs j SET state = $2, attempt = j.attempt + 1, lease_owner = $4,
                    lease_expires_at = now() + $5, lease_host = $6, lease_boot_id = $7, lease_pid = $8,
                    lease_pid_start = $9, started_at = coalesce(j.started_at, now()), updated_at = now(),
                    error = NULL, error_kind = NULL, attempt_start_bytes = j.bytes_done
                FROM c WHERE j.id = c.id
                RETURNING j.*, c.from_state),
            e AS ({JobRow.EventInsert("u", "transition", "'claimed by ' || $4", "NULL")})
            SELECT * FROM u
            """);
        cmd.Parameters.AddWithValue(queue);
        cmd.Parameters.AddWithValue(runningState);
        cmd.Parameters.AddWithValue(max);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(options.Value.LeaseDuration);
        AddIdentity(cmd, WorkerIdentity.Current); // $6 host, $7 boot id, $8 pid, $9 pid start
        var claimed = await JobRow.ReadPreparedAsync(Db, cmd, cancellationToken).ConfigureAwait(false);
        broadcaster.Published(claimed);
        return claimed;
    }

    /// <summary>Extends the lease; returns whether someone asked to cancel the job.</summary>
    public async Task<bool> RenewLeaseAsync(Job job, string owner, CancellationToken cancellationToken)
    {
        await using var cmd = Db.CreateCommand($"UPDATE jobs SET lease_expires_at = now() + $4 WHERE {Fence} RETURNING cancel_requested");
        AddFence(cmd, job, owner);
        cmd.Parameters.AddWithValue(options.Value.LeaseDuration);
        var result = await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is bool cancel ? cancel : throw new JobLeaseLostException(job.Id);
    }

    public async Task SaveProgressAsync(Job job, string owner, JobProgress p, CancellationToken cancellationToken)
    {
        // Progress only grows while a job is active.
        await using var cmd = new NpgsqlCommand($"""
            UPDATE jobs SET progress = greatest(progress, $4), bytes_done = $5, bytes_total = $6,
                speed_bps = $7, eta_seconds = $8, peers = $9, seeders = $10, upload_bps = $11, seeding = $12, updated_at = now()
            WHERE {Fence} RETURNING {JobRow.Changing}
            """);
        AddFence(cmd, job, owner);
        cmd.Parameters.AddWithValue(Math.Clamp(p.Percent, 0, 100));
        cmd.Parameters.AddWithValue(p.BytesDone);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Bigint, (object?)p.BytesTotal ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Double, (object?)p.SpeedBps ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Double, (object?)p.EtaSeconds ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Integer, (object?)p.Swarm?.Peers ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Integer, (object?)p.Swarm?.Seeders ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Double, (object?)p.Swarm?.UploadBps ?? DBNull.Value);
        cmd.Parameters.AddWithValue(p.Swarm?.Seeding ?? false);
        broadcaster.Published(Single(await JobRow.ReadPreparedAsync(Db, cmd, cancellationToken, job).ConfigureAwait(false), job));
    }

    public async Task<Job> PatchAsync(Job job, string owner, JobPatch patch, CancellationToken cancellationToken)
    {
        await using var cmd = Db.CreateCommand($"""
            UPDATE jobs SET title = coalesce($4, title), library_id = coalesce($5, library_id),
                format = coalesce($6, format), request = coalesce($7, request), source = coalesce($8, source),
                updated_at = now()
            WHERE {Fence} RETURNING *
            """);
        AddFence(cmd, job, owner);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)patch.Title ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Uuid, (object?)patch.LibraryId ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)patch.Format ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, (object?)patch.Request?.RootElement.GetRawText() ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)patch.Source ?? DBNull.Value);
        return Publish(Single(await JobRow.ReadAllAsync(cmd, cancellationToken).ConfigureAwait(false), job));
    }

    /// <summary>
    /// Moves a running job to another state. Leaving the running states releases the lease; <paramref name="queue"/>
    /// hands it to another queue (e.g. probe → download), and <paramref name="runAfter"/> delays it (retries).
    /// </summary>
    /// <param name="via">
    /// A state the job passes through on the way (a running job whose source went quiet goes "→ stalled → retrying"):
    /// history shows both steps, written in order in one transaction.
    /// </param>
    public async Task<Job> TransitionAsync(Job job, string owner, string to, string message, object? payload = null,
        string? queue = null, DateTimeOffset? runAfter = null, (string Kind, string Message)? error = null, bool countFailure = false,
        CancellationToken cancellationToken = default, string? via = null)
    {
        if (via is null)
        {
            JobStates.EnsureCanMove(job.State, to);
        }
        else
        {
            JobStates.EnsureCanMove(job.State, via);
            JobStates.EnsureCanMove(via, to);
        }
        var releases = !JobStates.IsRunning(to);
        // One statement on the usual path; a transaction only when a second history row must follow the first.
        await using var conn = via is null ? null : await Db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = conn is null ? null : await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var sql = $"""
            WITH u AS (
                UPDATE jobs j SET state = $4, queue = coalesce($5, j.queue), updated_at = now(),
                    run_after = coalesce($6, j.run_after),
                    failures = j.failures + $7,
                    error = CASE WHEN $8 IS NULL THEN j.error ELSE $9 END,
                    error_kind = coalesce($8, j.error_kind),
                    lease_owner = CASE WHEN $10 THEN NULL ELSE j.lease_owner END,
                    lease_expires_at = CASE WHEN $10 THEN NULL ELSE j.lease_expires_at END,
                    speed_bps = CASE WHEN $10 THEN NULL ELSE j.speed_bps END,
                    eta_seconds = CASE WHEN $10 THEN NULL ELSE j.eta_seconds END,
                    peers = CASE WHEN $10 THEN NULL ELSE j.peers END,
                    seeders = CASE WHEN $10 THEN NULL ELSE j.seeders END,
                    upload_bps = CASE WHEN $10 THEN NULL ELSE j.upload_bps END,
                    seeding = j.seeding AND NOT $10,
                    progress = CASE WHEN $4 = 'completed' THEN 100 ELSE j.progress END,
                    finished_at = CASE WHEN $4 IN ('completed', 'failed', 'cancelled') THEN now() ELSE NULL END
                {FromState} WHERE {Fence}
                RETURNING id, c.from_state, {JobRow.Changing}),
            e AS ({JobRow.EventInsert("u", "transition", "$11", "$12", via is null ? "state" : "$13")})
            SELECT {JobRow.Changing} FROM u
            """;
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        AddFence(cmd, job, owner);
        cmd.Parameters.AddWithValue(to);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)queue ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, (object?)runAfter ?? DBNull.Value);
        cmd.Parameters.AddWithValue(countFailure ? 1 : 0);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)error?.Kind ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)error?.Message ?? DBNull.Value);
        cmd.Parameters.AddWithValue(releases);
        cmd.Parameters.AddWithValue(message);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, payload is null ? DBNull.Value : JsonSerializer.Serialize(payload, JobJson.Options));
        if (via is not null) cmd.Parameters.AddWithValue(via);
        var moved = Single(await JobRow.ReadPreparedAsync(Db, cmd, cancellationToken, job).ConfigureAwait(false), job);
        if (conn is not null && tx is not null)
        {
            await using var second = new NpgsqlCommand(
                "INSERT INTO job_events (job_id, kind, from_state, to_state, message) VALUES ($1, 'transition', $2, $3, $4)", conn, tx);
            second.Parameters.AddWithValue(job.Id);
            second.Parameters.AddWithValue(via!);
            second.Parameters.AddWithValue(to);
            second.Parameters.AddWithValue(to == JobStates.Retrying ? "back in the queue" : message);
            await second.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return Publish(moved);
    }

    private static void AddFence(NpgsqlCommand cmd, Job job, string owner)
    {
        cmd.Parameters.AddWithValue(job.Id);
        cmd.Parameters.AddWithValue(job.Attempt);
        cmd.Parameters.AddWithValue(owner);
    }

    private Job Publish(Job job)
    {
        broadcaster.Published(job);
        return job;
    }

    private static Job Single(List<Job> rows, Job job) => rows.Count == 1 ? rows[0] : throw new JobLeaseLostException(job.Id);
}
