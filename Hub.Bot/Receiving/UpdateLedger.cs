using System.Text.Json;
using Hub.Domain.Access;
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
    public async Task<bool> TryRecordAsync(Update update, CancellationToken cancellationToken) =>
        (await RecordAsync([update], nextOffset: null, cancellationToken).ConfigureAwait(false)).Count == 1;

    /// <summary>
    /// Records a batch of updates and, with it, the polling offset after them, in one statement (one commit, whatever
    /// the batch size: recording them one by one cost a commit each and capped a busy bot at its disk's fsync rate).
    /// Returns the ids that were new; the others are replays.
    /// </summary>
    public async Task<IReadOnlySet<long>> RecordAsync(IReadOnlyList<Update> updates, long? nextOffset, CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand("""
            WITH ins AS (
                INSERT INTO telegram_updates (update_id, payload)
                SELECT u.id, u.payload FROM unnest($1::bigint[], $2::jsonb[]) AS u(id, payload)
                ON CONFLICT (update_id) DO NOTHING
                RETURNING update_id),
            off AS (
                INSERT INTO settings (key, value, updated_at) SELECT $3, to_jsonb($4::bigint), now() WHERE $4::bigint IS NOT NULL
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()
                WHERE (settings.value #>> '{}')::bigint < excluded.value::bigint)
            SELECT update_id FROM ins
            """);
        cmd.Parameters.AddWithValue(updates.Select(u => (long)u.Id).ToArray());
        cmd.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Jsonb, updates.Select(u => JsonSerializer.Serialize(u, JsonBotAPI.Options)).ToArray());
        cmd.Parameters.AddWithValue(OffsetKey);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Bigint, (object?)nextOffset ?? DBNull.Value);
        var fresh = new HashSet<long>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            fresh.Add(reader.GetInt64(0));
        }
        return fresh;
    }

    /// <summary>
    /// Marks the update handled and writes its line of the interactions log (if any) in the same statement, so a crash
    /// can never leave a logged update unmarked (handled, and logged, again at the next start). Returns once the mark is
    /// committed. Marks that lanes ask for while one is being written wait and go together in the next statement (a
    /// group commit): a busy bot's lanes finish updates at once, and a statement and commit per update was ~11% of its CPU.
    /// </summary>
    public async Task MarkProcessedAsync(long updateId, string? errorId, Interaction? line, CancellationToken cancellationToken)
    {
        var mark = new PendingMark(updateId, errorId, line, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        bool writer;
        lock (_marksLock)
        {
            _marks.Add(mark);
            writer = !_writing;
            _writing = true;
        }
        if (writer)
        {
            // This caller writes until nothing waits, its own mark in the first statement; the others wait on theirs.
            while (true)
            {
                List<PendingMark> batch;
                lock (_marksLock)
                {
                    if (_marks.Count == 0)
                    {
                        _writing = false;
                        break;
                    }
                    batch = _marks;
                    _marks = [];
                }
                try
                {
                    await WriteMarksAsync(batch, cancellationToken).ConfigureAwait(false);
                    batch.ForEach(m => m.Done.TrySetResult());
                }
                catch (Exception ex)
                {
                    batch.ForEach(m => m.Done.TrySetException(ex));
                }
            }
        }
        await mark.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed record PendingMark(long UpdateId, string? ErrorId, Interaction? Line, TaskCompletionSource Done);

    private readonly Lock _marksLock = new();
    private List<PendingMark> _marks = [];
    private bool _writing;

    private async Task WriteMarksAsync(List<PendingMark> marks, CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand("""
            WITH m AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
                       WITH ORDINALITY AS m(update_id, error_id, telegram_id, kind, text, result, at, n)),
            done AS (UPDATE telegram_updates t SET processed_at = now(), error_id = m.error_id FROM m WHERE t.update_id = m.update_id)
            INSERT INTO interactions (telegram_id, kind, text, result, at)
            SELECT telegram_id, kind, text, result, at FROM m WHERE telegram_id IS NOT NULL ORDER BY n
            """);
        cmd.Parameters.AddWithValue(marks.Select(m => m.UpdateId).ToArray());
        cmd.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, marks.Select(m => m.ErrorId).ToArray());
        cmd.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Bigint, marks.Select(m => m.Line?.TelegramId).ToArray());
        cmd.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, marks.Select(m => m.Line?.Kind).ToArray());
        cmd.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, marks.Select(m => m.Line?.Text).ToArray());
        cmd.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, marks.Select(m => m.Line?.Result).ToArray());
        cmd.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, marks.Select(m => m.Line?.At).ToArray());
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
}
