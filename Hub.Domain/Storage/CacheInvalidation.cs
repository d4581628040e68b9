using Npgsql;

namespace Hub.Domain.Storage;

/// <summary>
/// Tells every Hub process to forget a cached row at once: a token revoked by <c>hub token revoke</c>, an entry deleted
/// or changed through another process. The change's transaction sends a PostgreSQL NOTIFY on <see cref="Channel"/>
/// (delivered on commit, so nobody forgets too early); each process's one LISTEN connection
/// (<see cref="Jobs.JobNotificationListener"/>) hands the payload to <see cref="Receive"/>, and the caches subscribed
/// here drop the row. When that connection was lost, notifications may have been missed, so caches drop everything.
/// The caches keep their short lifetimes as a second line, for a notification that never arrives.
/// </summary>
public sealed class CacheInvalidation
{
    public const string Channel = "hub_cache";
    public const string Token = "token";
    public const string Entry = "entry";

    /// <summary>Raised with (kind, id) for one row, or (null, default) when every cached row must go.</summary>
    public event Action<string?, Guid>? Invalidated;

    /// <summary>Queues the NOTIFY on <paramref name="connection"/> (inside its transaction when one is open).</summary>
    public static async Task NotifyAsync(NpgsqlConnection connection, string kind, Guid id, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection);
        cmd.Parameters.AddWithValue(Channel);
        cmd.Parameters.AddWithValue(kind + ":" + id.ToString("N"));
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a connection from <paramref name="dataSource"/> just to notify (after a change already committed).</summary>
    public static async Task NotifyAsync(NpgsqlDataSource dataSource, string kind, Guid id, CancellationToken cancellationToken)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await NotifyAsync(conn, kind, id, cancellationToken).ConfigureAwait(false);
    }

    public void Receive(string payload)
    {
        var colon = payload.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && Guid.TryParseExact(payload.AsSpan(colon + 1), "N", out var id))
        {
            Invalidated?.Invoke(payload[..colon], id);
        }
    }

    /// <summary>Everything cached may be stale (the LISTEN connection was down).</summary>
    public void ForgetAll() => Invalidated?.Invoke(null, Guid.Empty);
}
