using System.Security.Cryptography;
using System.Text.Json;
using Hub.Domain.Storage;
using NpgsqlTypes;

namespace Hub.Bot.Menus;

/// <summary>
/// The state behind a menu (a link being previewed with its picks, a search being paged), stored under a short random
/// id that fits in callback data. Choices belong to one person and expire; an expired one makes its buttons stale.
/// </summary>
public sealed class ChoiceStore(HubDatabase database, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(2);
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private int _created;

    public async Task<string> CreateAsync<T>(long userId, string kind, T payload, CancellationToken cancellationToken)
    {
        var id = RandomNumberGenerator.GetString(Alphabet, 10);
        await using var cmd = database.DataSource.CreateCommand(
            "INSERT INTO telegram_choices (id, user_id, kind, payload, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)");
        var now = time.GetUtcNow();
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(userId);
        cmd.Parameters.AddWithValue(kind);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(payload, Json));
        cmd.Parameters.AddWithValue(now);
        cmd.Parameters.AddWithValue(now + Lifetime);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (Interlocked.Increment(ref _created) % 100 == 0)
        {
            await using var purge = database.DataSource.CreateCommand("DELETE FROM telegram_choices WHERE expires_at < now()");
            await purge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return id;
    }

    /// <summary>The choice, or null when it is unknown, expired, of another kind or another person's.</summary>
    public async Task<T?> GetAsync<T>(string id, long userId, string kind, CancellationToken cancellationToken) where T : class
    {
        await using var cmd = database.DataSource.CreateCommand(
            "SELECT payload::text FROM telegram_choices WHERE id = $1 AND user_id = $2 AND kind = $3 AND expires_at > $4");
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(userId);
        cmd.Parameters.AddWithValue(kind);
        cmd.Parameters.AddWithValue(time.GetUtcNow());
        return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json ? JsonSerializer.Deserialize<T>(json, Json) : null;
    }

    public async Task UpdateAsync<T>(string id, T payload, CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand("UPDATE telegram_choices SET payload = $2 WHERE id = $1");
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(payload, Json));
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a choice; false when it was already gone (a second press of a one-shot button).</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand("DELETE FROM telegram_choices WHERE id = $1");
        cmd.Parameters.AddWithValue(id);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Removes all of one person's choices (their previews can no longer start an import); returns how many.</summary>
    public async Task<int> DeleteOfUserAsync(long userId, CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand("DELETE FROM telegram_choices WHERE user_id = $1");
        cmd.Parameters.AddWithValue(userId);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
