using Hub.Domain.Access;
using Hub.Domain.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Domain.Stats;

/// <summary>Aggregates for the dashboard, the bot and MCP: what the library holds and how it is used.</summary>
public sealed class StatsService(NpgsqlDataSource dataSource, IOptions<HubOptions> options, TimeProvider time)
{
    public const int ImportDays = 30;
    public const int MaxImportDays = 3660;

    /// <summary>What the library holds, with imports per day over the last 30 days.</summary>
    public Task<LibraryStats> LibraryAsync(Requester requester, CancellationToken cancellationToken) =>
        LibraryAsync(requester, ImportDays, cancellationToken);

    /// <summary>
    /// What the library holds, with imports per day over the last <paramref name="importDays"/> days (today included;
    /// 0 = since the first entry). File-system paths are for admins: others get the figures without them.
    /// </summary>
    public Task<LibraryStats> LibraryAsync(Requester requester, int importDays, CancellationToken cancellationToken)
    {
        if (importDays is < 0 or > MaxImportDays)
        {
            throw new HubValidationException("days", $"days must be 1 to {MaxImportDays}, or 0 for all time.");
        }
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        return LibraryAsync(requester, importDays == 0 ? null : today.AddDays(-(importDays - 1)), today, cancellationToken);
    }

    /// <summary>
    /// What the library holds, with imports per day from <paramref name="from"/> to <paramref name="to"/> (UTC days,
    /// both included; from null = since the first entry). At most <see cref="MaxImportDays"/> days.
    /// </summary>
    public async Task<LibraryStats> LibraryAsync(Requester requester, DateOnly? from, DateOnly to, CancellationToken cancellationToken)
    {
        if (from?.Year < 1970 || to.Year is < 1970 or > 9000)
        {
            throw new HubValidationException(from?.Year < 1970 ? "from" : "to", "Choose dates between 1970 and 9000.");
        }
        if (from > to)
        {
            throw new HubValidationException("from", $"The range starts ({from:yyyy-MM-dd}) after it ends ({to:yyyy-MM-dd}); choose a start on or before the end.");
        }
        if (from is { } start && to.DayNumber - start.DayNumber + 1 > MaxImportDays)
        {
            throw new HubValidationException("from", $"A range may span at most {MaxImportDays} days.");
        }
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var byLibrary = await GroupAsync(conn, "SELECT coalesce(l.name, e.library_id::text), count(*), coalesce(sum(e.size_bytes), 0) FROM entries e " +
            "LEFT JOIN libraries l ON l.id = e.library_id GROUP BY 1 ORDER BY 2 DESC, 1", cancellationToken).ConfigureAwait(false);
        var byKind = await GroupAsync(conn, "SELECT media_kind, count(*), coalesce(sum(size_bytes), 0) FROM entries GROUP BY 1 ORDER BY 2 DESC, 1", cancellationToken).ConfigureAwait(false);
        var byContainer = await GroupAsync(conn, "SELECT coalesce(container, 'unknown'), count(*), coalesce(sum(size_bytes), 0) FROM entries GROUP BY 1 ORDER BY 2 DESC, 1", cancellationToken).ConfigureAwait(false);
        var byPlatform = await GroupAsync(conn, "SELECT coalesce(platform, 'unknown'), count(*), coalesce(sum(size_bytes), 0) FROM entries GROUP BY 1 ORDER BY 2 DESC, 1", cancellationToken).ConfigureAwait(false);

        var perDay = new List<DayCount>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT (created_at AT TIME ZONE 'UTC')::date, count(*), coalesce(sum(size_bytes), 0) FROM entries " +
            "WHERE ($1::timestamptz IS NULL OR created_at >= $1) AND created_at < $2 GROUP BY 1 ORDER BY 1", conn))
        {
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.TimestampTz, from is { } d ? StartOf(d) : DBNull.Value);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.TimestampTz, StartOf(to.AddDays(1)));
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                perDay.Add(new DayCount(r.GetFieldValue<DateOnly>(0), r.GetInt64(1), r.GetInt64(2)));
        }

        var jobs = new Dictionary<string, long>(StringComparer.Ordinal);
        // People's jobs, as the jobs lists show them: Hub's own (thumbnails, housekeeping, scans…) would double the counts.
        await using (var cmd = new NpgsqlCommand("SELECT state, count(*) FROM jobs WHERE NOT (queue = ANY($1)) GROUP BY 1 ORDER BY 1", conn))
        {
            cmd.Parameters.AddWithValue(Jobs.JobQueues.System.ToArray());
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) jobs[r.GetString(0)] = r.GetInt64(1);
        }

        var entries = byKind.Sum(k => k.Entries);
        var bytes = byKind.Sum(k => k.Bytes);
        var storage = Storage(bytes);
        return new LibraryStats(entries, bytes, byLibrary, byKind, byContainer, byPlatform, perDay, jobs,
            requester.IsAdmin ? storage : storage with { MediaDir = null },
            from ?? (perDay.Count > 0 ? perDay[0].Day : null), to);
    }

    private static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Free and total space of the file system holding the media folder (the nearest existing parent).</summary>
    private StorageStats Storage(long entriesBytes)
    {
        var dir = options.Value.FullMediaDir;
        var probe = dir;
        while (!Directory.Exists(probe) && Path.GetDirectoryName(probe) is { } parent) probe = parent;
        try
        {
            var drive = new DriveInfo(probe);
            return new StorageStats(entriesBytes, dir, drive.AvailableFreeSpace, drive.TotalSize);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return new StorageStats(entriesBytes, dir, null, null);
        }
    }

    private static async Task<List<CountBytes>> GroupAsync(NpgsqlConnection conn, string sql, CancellationToken cancellationToken)
    {
        var list = new List<CountBytes>();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(new CountBytes(r.GetString(0), r.GetInt64(1), r.GetInt64(2)));
        return list;
    }

    /// <summary>Stream and download events in [from, to) (default: the last 30 days), optionally of one entry or kind.</summary>
    public async Task<DownloadStats> DownloadsAsync(DownloadFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.Kind is { } k && k is not ("stream" or "download"))
            throw new HubValidationException("kind", "kind must be stream or download.");
        var to = (filter.To ?? time.GetUtcNow()).ToUniversalTime();
        var from = (filter.From ?? to.AddDays(-ImportDays)).ToUniversalTime();
        if (from > to) throw new HubValidationException("from", "from is after to.");

        const string Where = "WHERE s.at >= $1 AND s.at < $2 AND ($3::uuid IS NULL OR s.entry_id = $3) AND ($4::text IS NULL OR s.kind = $4)";
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        NpgsqlCommand Command(string sql)
        {
            var cmd = new NpgsqlCommand(sql, conn);
            cmd.Parameters.AddWithValue(from);
            cmd.Parameters.AddWithValue(to);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Uuid, (object?)filter.EntryId ?? DBNull.Value);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)filter.Kind ?? DBNull.Value);
            return cmd;
        }

        // A play is a request from the first byte answered with bytes: a player's seeks (later ranges), revalidations
        // (304) and refusals (416) are requests, not plays.
        const string Play = "count(*) FILTER (WHERE s.status IN (200, 206) AND (s.range_requested IS NULL OR s.range_requested LIKE 'bytes=0-%'))";
        var days = new List<DownloadDay>();
        await using (var cmd = Command($"SELECT (s.at AT TIME ZONE 'UTC')::date, count(*), coalesce(sum(s.bytes_sent), 0), " +
            $"count(*) FILTER (WHERE s.completed), count(*) FILTER (WHERE NOT s.completed), {Play} FROM stream_events s {Where} GROUP BY 1 ORDER BY 1"))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                days.Add(new DownloadDay(r.GetFieldValue<DateOnly>(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5)));
        }
        var totals = new DownloadTotals(days.Sum(d => d.Events), days.Sum(d => d.Bytes), days.Sum(d => d.Completed), days.Sum(d => d.Aborted),
            days.Sum(d => d.Plays));

        var top = new List<TopEntry>();
        await using (var cmd = Command($"SELECT s.entry_id, max(e.title), count(*), coalesce(sum(s.bytes_sent), 0), {Play} FROM stream_events s " +
            $"LEFT JOIN entries e ON e.id = s.entry_id {Where} GROUP BY s.entry_id ORDER BY 5 DESC, 3 DESC, 4 DESC, 1 LIMIT 10"))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                top.Add(new TopEntry(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)));
        }
        return new DownloadStats(from, to, totals, days, top);
    }
}
