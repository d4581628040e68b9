using System.Text.Json;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Hub.Domain.Jobs;

/// <summary>
/// Completing jobs. A completion with nothing else to commit joins the next group: the completions that arrive while a
/// group's statement runs are written together by the next one (one statement, one commit, one WAL flush for all of
/// them), each still fenced by its own lease. A completion that finds no group running starts one at once, so a quiet
/// queue waits for nothing.
/// </summary>
public sealed partial class JobStore
{
    private const int MaxGroup = 128;

    private readonly Lock _completionsGate = new();
    private List<PendingCompletion> _completions = [];
    private bool _completing;

    /// <summary>
    /// Completes a running job. <paramref name="writeInTransaction"/> (e.g. the entry row) commits together with the
    /// completion or not at all; if the lease was lost meanwhile, nothing is written.
    /// </summary>
    public Task<Job> CompleteAsync(Job job, string owner, Guid? entryId, object? result, string message,
        Func<HubDbContext, CancellationToken, Task>? writeInTransaction, CancellationToken cancellationToken) =>
        CompleteAsync(job, owner, entryId, result, message, writeInTransaction, [], cancellationToken);

    /// <summary>
    /// Completes the job, fenced by its lease. <paramref name="writeInTransaction"/> (e.g. the entry row) and
    /// <paramref name="followUps"/> (jobs that continue its work, e.g. an entry's thumbnail) commit with the completion
    /// or not at all, so no crash can leave a completed job without the follow-up it asked for. Once the completion is
    /// on its way to the database, <paramref name="cancellationToken"/> no longer stops it (like a commit in flight).
    /// </summary>
    public async Task<Job> CompleteAsync(Job job, string owner, Guid? entryId, object? result, string message,
        Func<HubDbContext, CancellationToken, Task>? writeInTransaction, IReadOnlyList<NewJob> followUps, CancellationToken cancellationToken)
    {
        JobStates.EnsureCanMove(job.State, JobStates.Completed);
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingCompletion(job, owner, entryId, result is null ? null : JsonSerializer.Serialize(result, JobJson.Options), message);
        if (writeInTransaction is null && followUps.Count == 0)
        {
            // Nothing else to commit with it: it joins a group.
            bool start;
            lock (_completionsGate)
            {
                _completions.Add(pending);
                start = !_completing;
                _completing = true;
            }
            if (start)
            {
                _ = Task.Run(CompleteGroupsAsync, CancellationToken.None);
            }
            return await pending.Done.Task.ConfigureAwait(false);
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var ntx = (NpgsqlTransaction)tx.GetDbTransaction();

        await using (var lockCmd = new NpgsqlCommand($"SELECT 1 FROM jobs WHERE {Fence} FOR UPDATE", conn, ntx))
        {
            AddFence(lockCmd, job, owner);
            if (await lockCmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                throw new JobLeaseLostException(job.Id);
            }
        }
        if (writeInTransaction is not null)
        {
            await writeInTransaction(db, cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        var followed = followUps.Count == 0 ? []
            : await JobQueue.InsertAsync(conn, ntx, followUps, options.Value.MaxAttempts, cancellationToken).ConfigureAwait(false);
        var done = await CompleteManyAsync(conn, ntx, [pending], cancellationToken).ConfigureAwait(false);
        var completed = done.TryGetValue(job.Id, out var row) ? row : throw new JobLeaseLostException(job.Id);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        broadcaster.Published(followed.OfType<Job>().ToList());
        return Publish(completed);
    }

    /// <summary>Writes groups of waiting completions, one statement each, until none is left.</summary>
    private async Task CompleteGroupsAsync()
    {
        while (true)
        {
            List<PendingCompletion> group;
            lock (_completionsGate)
            {
                if (_completions.Count == 0)
                {
                    _completing = false;
                    return;
                }
                if (_completions.Count <= MaxGroup)
                {
                    group = _completions;
                    _completions = [];
                }
                else
                {
                    group = _completions[..MaxGroup];
                    _completions.RemoveRange(0, MaxGroup);
                }
            }
            try
            {
                await CompleteGroupAsync(group).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Whatever went wrong after the write (publishing), no caller is left waiting.
                foreach (var p in group)
                {
                    p.Done.TrySetException(ex);
                }
            }
        }
    }

    private async Task CompleteGroupAsync(List<PendingCompletion> group)
    {
        Dictionary<Guid, Job> done;
        try
        {
            await using var conn = await Db.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            done = await CompleteManyAsync(conn, null, group, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (group.Count > 1 && !DatabaseOutage.Is(ex))
        {
            // One job's completion failed the statement (all or nothing): each on its own, so only that one fails.
            foreach (var p in group)
            {
                await CompleteGroupAsync([p]).ConfigureAwait(false);
            }
            return;
        }
        catch (Exception ex)
        {
            foreach (var p in group)
            {
                p.Done.TrySetException(ex);
            }
            return;
        }
        foreach (var p in group)
        {
            if (done.TryGetValue(p.Job.Id, out var job))
            {
                p.Done.TrySetResult(Publish(job));
            }
            else
            {
                p.Done.TrySetException(new JobLeaseLostException(p.Job.Id));
            }
        }
    }

    /// <summary>
    /// Completes <paramref name="group"/> in one fenced statement: the jobs whose lease still holds, by id, as they
    /// now are; the others are left as they were.
    /// </summary>
    private static async Task<Dictionary<Guid, Job>> CompleteManyAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IReadOnlyList<PendingCompletion> group,
        CancellationToken cancellationToken)
    {
        // In id order, so two groups never wait on each other's rows in opposite orders.
        var sorted = group.OrderBy(p => p.Job.Id).ToList();
        await using var cmd = new NpgsqlCommand(CompleteSql, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = sorted.Select(p => p.Job.Id).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = sorted.Select(p => p.Job.Attempt).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = sorted.Select(p => p.Owner).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = sorted.Select(p => p.EntryId).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = sorted.Select(p => p.Result).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = sorted.Select(p => p.Message).ToArray() });
        await cmd.PrepareAsync(cancellationToken).ConfigureAwait(false);
        var before = sorted.ToDictionary(p => p.Job.Id, p => p.Job);
        var done = new Dictionary<Guid, Job>(sorted.Count);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetGuid(JobRow.ChangingCount);
            done[id] = JobRow.ReadChanged(reader, before[id]);
        }
        return done;
    }

    // The state each job leaves, for its history row, is read as in FromState (the statement's snapshot, not locked):
    // a subquery by id, so each is one primary-key lookup whatever the size of the group.
    private static readonly string CompleteSql = $"""
        WITH u AS (
            UPDATE jobs j SET state = 'completed', progress = 100, entry_id = coalesce(i.new_entry_id, j.entry_id),
                result = i.new_result, lease_owner = NULL, lease_expires_at = NULL, speed_bps = NULL, eta_seconds = 0, peers = NULL, seeders = NULL, upload_bps = NULL, seeding = false,
                bytes_done = greatest(j.bytes_done, coalesce(j.bytes_total, 0)),
                error = NULL, error_kind = NULL, finished_at = now(), updated_at = now()
            FROM unnest($1::uuid[], $2::int[], $3::text[], $4::uuid[], $5::jsonb[], $6::text[])
                AS i (job_id, fence_attempt, fence_owner, new_entry_id, new_result, message)
            WHERE j.id = i.job_id AND j.attempt = i.fence_attempt AND j.lease_owner = i.fence_owner
            RETURNING (SELECT s.state FROM jobs s WHERE s.id = j.id) AS from_state, i.message, i.new_result, {JobRow.ChangingOf("j")}, j.id),
        e AS (INSERT INTO job_events (job_id, kind, from_state, to_state, message, payload)
              SELECT id, 'transition', from_state, state, message, new_result FROM u)
        SELECT {JobRow.Changing}, id FROM u
        """;

    private sealed record PendingCompletion(Job Job, string Owner, Guid? EntryId, string? Result, string Message)
    {
        public TaskCompletionSource<Job> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
