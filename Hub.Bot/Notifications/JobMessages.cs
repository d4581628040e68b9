using System.Collections.Concurrent;
using Hub.Domain.Storage;

namespace Hub.Bot.Notifications;

/// <summary>
/// Which message shows which job, kept in the database (so edits continue after a restart) with an in-memory copy
/// for the hot path of progress updates.
/// </summary>
public sealed class JobMessages(HubDatabase database)
{
    private readonly ConcurrentDictionary<Guid, JobMessage> _cache = new();

    public async Task TrackAsync(Guid jobId, long chatId, long messageId, long userId, string? text, CancellationToken cancellationToken, string? origin = null)
    {
        await using var cmd = database.DataSource.CreateCommand("""
            INSERT INTO telegram_job_messages (job_id, chat_id, message_id, user_id, last_text, origin) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (job_id) DO UPDATE SET chat_id = excluded.chat_id, message_id = excluded.message_id, user_id = excluded.user_id,
                last_text = excluded.last_text, finished = false, origin = excluded.origin, updated_at = now()
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(chatId);
        cmd.Parameters.AddWithValue(messageId);
        cmd.Parameters.AddWithValue(userId);
        cmd.Parameters.AddWithValue((object?)text ?? DBNull.Value);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)origin ?? DBNull.Value });
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        _cache[jobId] = new JobMessage(jobId, chatId, messageId, userId, text, false, origin);
    }

    public async Task<JobMessage?> FindAsync(Guid jobId, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(jobId, out var cached))
        {
            return cached;
        }
        await using var cmd = database.DataSource.CreateCommand(
            "SELECT job_id, chat_id, message_id, user_id, last_text, finished, origin FROM telegram_job_messages WHERE job_id = $1");
        cmd.Parameters.AddWithValue(jobId);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        var found = Read(reader);
        _cache[jobId] = found;
        return found;
    }

    /// <summary>Messages of jobs that had not finished when the last process stopped.</summary>
    public async Task<IReadOnlyList<JobMessage>> OpenAsync(CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand(
            "SELECT job_id, chat_id, message_id, user_id, last_text, finished, origin FROM telegram_job_messages WHERE NOT finished ORDER BY created_at LIMIT 1000");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<JobMessage>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(Read(reader));
        }
        return list;
    }

    /// <summary>The job a chat message shows, if it shows one (a preview turns into its job's message on Import).</summary>
    public async Task<Guid?> JobOfMessageAsync(long chatId, long messageId, CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand("SELECT job_id FROM telegram_job_messages WHERE chat_id = $1 AND message_id = $2 LIMIT 1");
        cmd.Parameters.AddWithValue(chatId);
        cmd.Parameters.AddWithValue(messageId);
        return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is Guid id ? id : null;
    }

    /// <summary>One person's messages of jobs still shown as running.</summary>
    public async Task<IReadOnlyList<JobMessage>> OpenOfUserAsync(long userId, CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand(
            "SELECT job_id, chat_id, message_id, user_id, last_text, finished, origin FROM telegram_job_messages WHERE NOT finished AND user_id = $1 LIMIT 1000");
        cmd.Parameters.AddWithValue(userId);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<JobMessage>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(Read(reader));
        }
        return list;
    }

    public async Task SaveAsync(JobMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var cmd = database.DataSource.CreateCommand(
            "UPDATE telegram_job_messages SET message_id = $2, last_text = $3, finished = $4, updated_at = now() WHERE job_id = $1");
        cmd.Parameters.AddWithValue(message.JobId);
        cmd.Parameters.AddWithValue(message.MessageId);
        cmd.Parameters.AddWithValue((object?)message.LastText ?? DBNull.Value);
        cmd.Parameters.AddWithValue(message.Finished);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (message.Finished)
        {
            _cache.TryRemove(message.JobId, out _);
        }
        else
        {
            _cache[message.JobId] = message;
        }
    }

    private static JobMessage Read(Npgsql.NpgsqlDataReader r) =>
        new(r.GetGuid(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetBoolean(5), r.IsDBNull(6) ? null : r.GetString(6));
}
