using System.Text.Json;
using Hub.Domain.Storage;
using NpgsqlTypes;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace Hub.Bot.Receiving;

/// <summary>
/// The durable record of updates: each update_id is inserted before it is handled, so a replay (Telegram re-sending
/// after a timeout, a webhook retry, polling after a crash) finds the row and is skipped. The polling offset lives in
/// the settings table, so it survives restarts. Payloads are stored in the Bot API's own JSON (Telegram.Bot's
/// <see cref="JsonBotAPI.Options"/>). Ours because Telegram.Bot keeps no record: exactly-once handling is Hub's promise.
/// </summary>
public sealed class UpdateLedger(HubDatabase database)
{
    private const string OffsetKey = "telegram.offset";

    /// <summary>True when this update is new (and is now recorded); false for a replay.</summary>
    public async Task<bool> TryRecordAsync(Update update, CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand(
            "INSERT INTO telegram_updates (update_id, payload) VALUES ($1, $2) ON CONFLICT (update_id) DO NOTHING");
        cmd.Parameters.AddWithValue((long)update.Id);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(update, JsonBotAPI.Options));
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task MarkProcessedAsync(long updateId, string? errorId, CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand(
            "UPDATE telegram_updates SET processed_at = now(), error_id = $2 WHERE update_id = $1");
        cmd.Parameters.AddWithValue(updateId);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)errorId ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Updates recorded but never handled (the process stopped in between), oldest first, from the last day.</summary>
    public async Task<IReadOnlyList<Update>> UnprocessedAsync(CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand(
            "SELECT payload::text FROM telegram_updates WHERE processed_at IS NULL AND received_at > now() - interval '1 day' ORDER BY update_id LIMIT 1000");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<Update>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(JsonSerializer.Deserialize<Update>(reader.GetString(0), JsonBotAPI.Options) ?? throw new JsonException("An update was null."));
        }
        return list;
    }

    public async Task<long> GetOffsetAsync(CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand("SELECT (value #>> '{}')::bigint FROM settings WHERE key = $1");
        cmd.Parameters.AddWithValue(OffsetKey);
        return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long offset ? offset : 0;
    }

    public async Task SaveOffsetAsync(long offset, CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand("""
            INSERT INTO settings (key, value, updated_at) VALUES ($1, to_jsonb($2::bigint), now())
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()
            WHERE (settings.value #>> '{}')::bigint < $2
            """);
        cmd.Parameters.AddWithValue(OffsetKey);
        cmd.Parameters.AddWithValue(offset);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
