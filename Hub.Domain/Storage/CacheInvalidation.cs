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
    /// <summary>A library (its id): the bot's library names.</summary>
    public const string Library = "library";
    /// <summary>A contact, keyed by Telegram user id (<see cref="InvalidatedNumber"/>): the bot's contact gate.</summary>
    public const string Contact = "contact";

    /// <summary>Raised with (kind, id) for one row, or (null, default) when every cached row must go.</summary>
    public event Action<string?, Guid>? Invalidated;

    /// <summary>Raised with (kind, key) for one row keyed by a number (a contact), or (null, 0) when every cached row must go.</summary>
    public event Action<string?, long>? InvalidatedNumber;

    /// <summary>Queues the NOTIFY on <paramref name="connection"/> (inside its transaction when one is open).</summary>
    public static Task NotifyAsync(NpgsqlConnection connection, string kind, Guid id, CancellationToken cancellationToken) =>
        SendAsync(connection, kind + ":" + id.ToString("N"), cancellationToken);

    /// <summary>Opens a connection from <paramref name="dataSource"/> just to notify (after a change already committed).</summary>
    public static Task NotifyAsync(NpgsqlDataSource dataSource, string kind, Guid id, CancellationToken cancellationToken) =>
        SendAsync(dataSource, kind + ":" + id.ToString("N"), cancellationToken);

    /// <summary>The same for a row keyed by a number (after a change already committed).</summary>
    public static Task NotifyAsync(NpgsqlDataSource dataSource, string kind, long key, CancellationToken cancellationToken) =>
        SendAsync(dataSource, kind + ":" + key.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);

    private static async Task SendAsync(NpgsqlDataSource dataSource, string payload, CancellationToken cancellationToken)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await SendAsync(conn, payload, cancellationToken).ConfigureAwait(false);
    }

    private static async Task SendAsync(NpgsqlConnection connection, string payload, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection);
        cmd.Parameters.AddWithValue(Channel);
        cmd.Parameters.AddWithValue(payload);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Receive(string payload)
    {
        var colon = payload.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return;
        }
        var key = payload.AsSpan(colon + 1);
        if (Guid.TryParseExact(key, "N", out var id))
        {
            Invalidated?.Invoke(payload[..colon], id);
        }
        else if (long.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            InvalidatedNumber?.Invoke(payload[..colon], number);
        }
    }

    /// <summary>Everything cached may be stale (the LISTEN connection was down).</summary>
    public void ForgetAll()
    {
        Invalidated?.Invoke(null, Guid.Empty);
        InvalidatedNumber?.Invoke(null, 0);
    }
}
