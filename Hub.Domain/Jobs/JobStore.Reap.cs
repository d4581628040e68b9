using Npgsql;

namespace Hub.Domain.Jobs;

/// <summary>The reaper: jobs whose worker is gone go back in line (stalled → retrying), fail, or end cancelled.</summary>
public sealed partial class JobStore
{
    /// <summary>
    /// Puts jobs whose worker stopped renewing its lease back in line (stalled → retrying), or fails them when their
    /// attempts are spent, or cancels them when a cancel was asked. Returns how many it moved.
    /// </summary>
    public Task<int> ReapExpiredAsync(CancellationToken cancellationToken) => ReapExpiredAsync([], cancellationToken);

    /// <summary>
    /// As <see cref="ReapExpiredAsync(CancellationToken)"/>, sparing <paramref name="runningHere"/>: jobs the calling
    /// process is running right now. Their lease lapsed only because it could not be renewed (the database was away);
    /// the worker renews it at its next heartbeat, and taking the job from under it would fetch its download again.
    /// </summary>
    public Task<int> ReapExpiredAsync(IReadOnlyCollection<Guid> runningHere, CancellationToken cancellationToken) =>
        ReapAsync("lease_expires_at < now() AND NOT (id = ANY($2))", cmd => cmd.Parameters.AddWithValue(runningHere.ToArray()),
            "lease expired: the worker stopped responding", cancellationToken);

    /// <summary>
    /// Reaps at once, whatever their lease says, the running jobs leased by <paramref name="deadOwners"/>: workers this
    /// process knows to be dead (a predecessor on the same host, see <see cref="WorkerIdentity"/>).
    /// </summary>
    public Task<int> ReapOwnersAsync(IReadOnlyCollection<string> deadOwners, CancellationToken cancellationToken) =>
        deadOwners.Count == 0
            ? Task.FromResult(0)
            : ReapAsync("lease_owner = ANY($2)", cmd => cmd.Parameters.AddWithValue(deadOwners.ToArray()),
                "its worker process is gone", cancellationToken);

    /// <summary>
    /// Reaps the jobs of workers that ran on this host in this boot and are gone (killed, crashed, the container
    /// restarted), so a restarted process resumes them at once instead of waiting for their leases to expire.
    /// </summary>
    public async Task<int> ReapDeadPredecessorsAsync(string owner, CancellationToken cancellationToken)
    {
        var me = WorkerIdentity.Current;
        if (me.BootId is null || me.StartTicks is null)
        {
            return 0; // not Linux, or /proc is hidden: leases expire as before
        }
        await using var cmd = Db.CreateCommand("""
            SELECT DISTINCT lease_owner, lease_pid, lease_pid_start FROM jobs
            WHERE state IN ('probing', 'downloading', 'processing') AND lease_owner IS NOT NULL AND lease_owner <> $1
              AND lease_host = $2 AND lease_boot_id = $3 AND lease_pid IS NOT NULL AND lease_pid_start IS NOT NULL
            """);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(me.Host);
        cmd.Parameters.AddWithValue(me.BootId);
        var dead = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var holder = me with { Pid = reader.GetInt32(1), StartTicks = reader.GetInt64(2) };
                if (holder.IsDeadHere())
                {
                    dead.Add(reader.GetString(0));
                }
            }
        }
        return await ReapOwnersAsync(dead, cancellationToken).ConfigureAwait(false);
    }

    private static void AddIdentity(NpgsqlCommand cmd, WorkerIdentity identity)
    {
        cmd.Parameters.AddWithValue(identity.Host);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)identity.BootId ?? DBNull.Value);
        cmd.Parameters.AddWithValue(identity.Pid);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bigint, (object?)identity.StartTicks ?? DBNull.Value);
    }

    private async Task<int> ReapAsync(string where, Action<NpgsqlCommand> addParameters, string stalledMessage, CancellationToken cancellationToken)
    {
        // Two statements in one transaction, so history reads in order: data-modifying CTEs of one statement run
        // in no guaranteed order, and "stalled → retrying" was written before "downloading → stalled".
        await using var conn = await Db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        List<Job> reaped;
        List<Guid> forgiven = [];
        await using (var cmd = new NpgsqlCommand($"""
            WITH c AS (
                SELECT id, state AS from_state FROM jobs
                WHERE state IN ('probing', 'downloading', 'processing') AND {where}
                FOR UPDATE SKIP LOCKED),
            -- A lost worker counts as a failure only when its attempt brought no bytes (see migration 0023).
            f AS (
                SELECT j.id, CASE WHEN j.cancel_requested OR j.bytes_done > coalesce(j.attempt_start_bytes, j.bytes_done) THEN 0 ELSE 1 END AS counted
                FROM jobs j JOIN c ON c.id = j.id),
            u AS (
                UPDATE jobs j SET
                    state = CASE WHEN j.cancel_requested THEN 'cancelled'
                                 WHEN j.failures + f.counted < j.max_attempts THEN 'retrying' ELSE 'failed' END,
                    failures = j.failures + f.counted,
                    error = CASE WHEN j.cancel_requested THEN j.error ELSE 'The worker running this job stopped responding.' END,
                    error_kind = CASE WHEN j.cancel_requested THEN j.error_kind ELSE 'worker-lost' END,
                    lease_owner = NULL, lease_expires_at = NULL, run_after = now(), updated_at = now(),
                    speed_bps = NULL, eta_seconds = NULL, peers = NULL, seeders = NULL, upload_bps = NULL, seeding = false,
                    finished_at = CASE WHEN j.cancel_requested OR j.failures + f.counted >= j.max_attempts THEN now() ELSE NULL END
                FROM c JOIN f ON f.id = c.id WHERE j.id = c.id
                RETURNING j.*, c.from_state, f.counted),
            stalled AS (
                INSERT INTO job_events (job_id, kind, from_state, to_state, message)
                SELECT id, 'transition', from_state, 'stalled', $1 FROM u)
            SELECT * FROM u
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(stalledMessage); // $1; the condition's own parameters follow from $2
            addParameters(cmd);
            reaped = [];
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var counted = reader.GetOrdinal("counted");
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var job = JobRow.Read(reader);
                reaped.Add(job);
                if (reader.GetInt32(counted) == 0)
                {
                    forgiven.Add(job.Id);
                }
            }
        }
        if (reaped.Count > 0)
        {
            await using var events = new NpgsqlCommand("""
                INSERT INTO job_events (job_id, kind, from_state, to_state, message)
                SELECT id, 'transition', 'stalled', state,
                    CASE state WHEN 'retrying' THEN CASE WHEN id = ANY($2) THEN 'back in the queue for another worker (it had made progress: not counted as a failed attempt)'
                                                         ELSE 'back in the queue for another worker' END
                               WHEN 'cancelled' THEN 'cancelled while its worker was gone'
                               ELSE 'no attempts left' END
                FROM jobs WHERE id = ANY($1) ORDER BY id
                """, conn, tx);
            events.Parameters.AddWithValue(reaped.Select(j => j.Id).ToArray());
            events.Parameters.AddWithValue(forgiven.ToArray());
            await events.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        broadcaster.Published(reaped);
        return reaped.Count;
    }
}
