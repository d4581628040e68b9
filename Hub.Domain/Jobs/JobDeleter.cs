using Npgsql;

namespace Hub.Domain.Jobs;

/// <summary>What a delete did: the jobs removed (with their events and child jobs), and those it left.</summary>
/// <param name="Missing">Ids that named no job (already deleted, perhaps from another tab): gone either way.</param>
/// <param name="Active">Jobs left alone because they, or a child of theirs, still run (only when asked to skip them).</param>
public sealed record JobsDeleted(IReadOnlyList<Guid> Deleted, IReadOnlyList<Guid> Missing, IReadOnlyList<Guid> Active);

/// <summary>
/// Removes finished job records (completed, failed, cancelled) and their events, for an admin tidying the jobs list.
/// Only the records go: entries and files a job made stay. A job that still runs, or has a child that does, is never
/// removed (its worker still writes to it); child jobs go with their parent.
/// </summary>
public sealed class JobDeleter(NpgsqlDataSource dataSource)
{
    /// <summary>Most ids one request may name.</summary>
    public const int MaxIds = 1000;

    /// <summary>
    /// Deletes exactly these jobs, or none: when one of them (or a child) is still active, a conflict names them and
    /// nothing is removed.
    /// </summary>
    public async Task<JobsDeleted> DeleteAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            throw new HubValidationException("ids", "Name at least one job to delete.");
        }
        if (ids.Count > MaxIds)
        {
            throw new HubValidationException("ids", $"At most {MaxIds} jobs at once.");
        }
        return await DeleteAsync(ids.Distinct().ToArray(), refuseActive: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes every job in these finished states (Hub's own jobs only when asked); active families are skipped.</summary>
    public async Task<JobsDeleted> DeleteFinishedAsync(IReadOnlyCollection<string> states, bool includeSystem, CancellationToken cancellationToken)
    {
        if (states.Count == 0 || !states.All(JobStates.IsTerminal))
        {
            throw new HubValidationException("states", $"Only finished jobs can be deleted: name one or more of {string.Join(", ", JobStates.Terminal)}.");
        }
        await using var cmd = dataSource.CreateCommand("SELECT id FROM jobs WHERE state = ANY($1) AND ($2 OR queue <> ALL($3))");
        cmd.Parameters.AddWithValue(states.ToArray());
        cmd.Parameters.AddWithValue(includeSystem);
        cmd.Parameters.AddWithValue(JobQueues.System.ToArray());
        var ids = new List<Guid>();
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) ids.Add(reader.GetGuid(0));
        }
        return ids.Count == 0 ? new JobsDeleted([], [], []) : await DeleteAsync(ids.ToArray(), refuseActive: false, cancellationToken).ConfigureAwait(false);
    }

    private async Task<JobsDeleted> DeleteAsync(Guid[] ids, bool refuseActive, CancellationToken cancellationToken)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Lock each named job and its descendants: a retry (which locks the row too) cannot slip in between the check and the delete.
        await using var check = new NpgsqlCommand("""
            WITH RECURSIVE tree (id, root) AS (
                SELECT id, id FROM jobs WHERE id = ANY($1)
                UNION SELECT c.id, t.root FROM jobs c JOIN tree t ON c.parent_id = t.id)
            SELECT t.root, j.id, j.state FROM tree t JOIN jobs j ON j.id = t.id FOR UPDATE OF j
            """, conn, tx);
        check.Parameters.AddWithValue(ids);
        var found = new HashSet<Guid>();
        var active = new HashSet<Guid>();
        await using (var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var root = reader.GetGuid(0);
                found.Add(root);
                if (!JobStates.IsTerminal(reader.GetString(2))) active.Add(root);
            }
        }
        if (refuseActive && active.Count > 0)
        {
            throw new HubConflictException("job-active", $"{active.Count} of these jobs (or a job they started) still run; cancel them or let them finish, "
                + $"then delete. Nothing was deleted. Still running: {string.Join(", ", active.Take(10))}.");
        }
        var doomed = ids.Where(id => found.Contains(id) && !active.Contains(id)).ToArray();
        await using var delete = new NpgsqlCommand("DELETE FROM jobs WHERE id = ANY($1) RETURNING id", conn, tx);
        delete.Parameters.AddWithValue(doomed);
        var deleted = new List<Guid>(doomed.Length);
        await using (var reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) deleted.Add(reader.GetGuid(0));
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new JobsDeleted(deleted, ids.Where(id => !found.Contains(id)).ToList(), ids.Where(active.Contains).ToList());
    }
}
