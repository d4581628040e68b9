using Hub.Domain.Access;
using Hub.Domain.Entries;
using Npgsql;
using NpgsqlTypes;

namespace Hub.Domain.Subscriptions;

/// <summary>
/// Keeps a subscription's last N entries, or those of the last D days, deleting older ones with their files. Only
/// entries this subscription's own imports created are candidates: an item that was already in the library (the import
/// ended as a duplicate), or anything imported by other means, is never touched.
/// </summary>
public sealed class SubscriptionRetention(NpgsqlDataSource dataSource, EntryService entries)
{
    public async Task<int> ApplyAsync(Subscription sub, CancellationToken ct)
    {
        var doomed = new List<Guid>();
        await using (var cmd = dataSource.CreateCommand("""
            WITH mine AS (
                SELECT DISTINCT e.id, e.created_at
                FROM subscription_items si
                JOIN jobs j ON j.id = si.job_id
                JOIN entries e ON e.id = j.entry_id
                WHERE si.subscription_id = $1 AND si.decision = 'imported' AND j.state = 'completed'
                  AND coalesce((j.result ->> 'duplicate')::boolean, false) = false),
            ranked AS (SELECT id, created_at, row_number() OVER (ORDER BY created_at DESC, id DESC) AS rn FROM mine)
            SELECT id FROM ranked
            WHERE ($2::integer IS NOT NULL AND rn > $2) OR ($3::integer IS NOT NULL AND created_at < now() - make_interval(days => $3))
            """))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = sub.Id });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)sub.KeepLast ?? DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)sub.KeepDays ?? DBNull.Value });
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false)) doomed.Add(r.GetGuid(0));
        }
        // Retention acts for Hub itself, on entries it has just shown to be this subscription's.
        var hub = new Requester("subscription:" + sub.Id.ToString("N"), "retention of " + sub.Name, IsAdmin: true);
        var removed = 0;
        foreach (var id in doomed)
        {
            try
            {
                await entries.DeleteAsync(hub, id, keepFile: false, ct).ConfigureAwait(false);
                removed++;
            }
            catch (HubNotFoundException)
            {
                // Deleted meanwhile by someone else.
            }
        }
        return removed;
    }
}
