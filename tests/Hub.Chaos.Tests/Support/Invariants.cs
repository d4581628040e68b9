using Npgsql;

namespace Hub.Chaos.Tests.Support;

/// <summary>
/// What must hold after every scenario, read straight from the database and the disk: each import made exactly one
/// job; every entry has its file and every file in the library (and thumbnails) has its entry; job history is a chain
/// (each event starts where the previous one ended).
/// </summary>
public sealed class Invariants(string connectionString, string dataDir)
{
    // Unpooled: scenarios kill Hub's backends and stop the server, and a pooled connection would carry that over.
    public string ConnectionString { get; } = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    public async Task<T> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args)
        {
            cmd.Parameters.AddWithValue(a);
        }
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Jobs people asked for: not Hub's own (housekeeping fires at the top of every hour, the tools check weekly; a run
    /// that spans 01:00 met a completed housekeeping job here and took it for an import without its entry).
    /// </summary>
    /// <summary>Jobs of people's imports: not Hub's own (housekeeping, tools, the thumbnail that follows an import, …).</summary>
    private static readonly string PeopleJobs = $"queue NOT IN ({string.Join(", ", Hub.Domain.Jobs.JobQueues.System.Select(q => $"'{q}'"))})";

    public async Task<List<(Guid Id, string Source, string State, string? ErrorKind, Guid? EntryId)>> RootJobsAsync()
    {
        var rows = new List<(Guid, string, string, string?, Guid?)>();
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT id, coalesce(source, ''), state, error_kind, entry_id FROM jobs WHERE parent_id IS NULL AND " + PeopleJobs, conn);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            rows.Add((r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetGuid(4)));
        }
        return rows;
    }

    /// <summary>Every root job with its history, for a failure message that says where things stood.</summary>
    public async Task<string> DescribeAsync()
    {
        var sb = new System.Text.StringBuilder();
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT j.source, j.state, j.attempt, j.failures, j.bytes_done, j.error_kind, j.error,
                   (SELECT string_agg(coalesce(e.from_state, '-') || '→' || coalesce(e.to_state, '-') || ' ' || left(e.message, 120), ' | ' ORDER BY e.id)
                    FROM job_events e WHERE e.job_id = j.id)
            FROM jobs j WHERE j.parent_id IS NULL ORDER BY j.created_at
            """, conn);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            sb.AppendLine(System.Globalization.CultureInfo.InvariantCulture,
                $"{r.GetValue(0)}: {r.GetValue(1)} attempt {r.GetValue(2)} failures {r.GetValue(3)} bytes {r.GetValue(4)} {r.GetValue(5)} {r.GetValue(6)}\n    {r.GetValue(7)}");
        }
        return sb.ToString();
    }

    /// <summary>Waits until none of the jobs for <paramref name="urls"/> is still in flight.</summary>
    public Task WaitForJobsToEndAsync(IReadOnlyCollection<string> urls, TimeSpan timeout) =>
        Wait.UntilAsync(async () =>
        {
            var jobs = await RootJobsAsync();
            return urls.All(u => jobs.Any(j => j.Source == u && j.State is "completed" or "failed" or "cancelled"));
        }, $"{urls.Count} job(s) to end", timeout);

    /// <summary>Each URL imported once has exactly one job, in its expected end state; no other root jobs.</summary>
    public async Task AssertOneJobPerImportAsync(IReadOnlyDictionary<string, string> expected)
    {
        var jobs = await RootJobsAsync();
        foreach (var (url, state) in expected)
        {
            var mine = jobs.Where(j => j.Source == url).ToList();
            Assert.True(mine.Count == 1, $"{url}: {mine.Count} jobs ({string.Join(", ", mine.Select(j => j.State))})");
            Assert.True(mine[0].State == state, $"{url}: job {mine[0].Id} is {mine[0].State} ({mine[0].ErrorKind}), expected {state}");
        }
        var strays = jobs.Where(j => !expected.ContainsKey(j.Source)).ToList();
        Assert.True(strays.Count == 0, "jobs nobody asked for: " + string.Join(", ", strays.Select(j => j.Source)));
        // One entry per completed import, each referenced by its job; none for the others.
        Assert.Equal((long)expected.Values.Count(s => s == "completed"), await ScalarAsync<long>("SELECT count(*) FROM entries"));
        Assert.Equal(0L, await ScalarAsync<long>(
            "SELECT count(*) FROM jobs WHERE parent_id IS NULL AND state = 'completed' AND " + PeopleJobs + " AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = jobs.entry_id)"));
    }

    /// <summary>Walks the media and thumbnail folders against the entries table.</summary>
    public async Task AssertLibraryMatchesEntriesAsync()
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        await using (var conn = new NpgsqlConnection(ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT file_path, thumbnail_path, size_bytes FROM entries", conn);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                var file = r.GetString(0);
                Assert.True(File.Exists(file), $"entry without its file: {file}");
                Assert.Equal(r.GetInt64(2), new FileInfo(file).Length);
                paths.Add(Path.GetFullPath(file));
                if (!r.IsDBNull(1))
                {
                    Assert.True(File.Exists(r.GetString(1)), $"entry without its thumbnail: {r.GetString(1)}");
                    paths.Add(Path.GetFullPath(r.GetString(1)));
                }
            }
        }
        foreach (var folder in new[] { Path.Combine(dataDir, "media"), Path.Combine(dataDir, "thumbnails") })
        {
            if (!Directory.Exists(folder))
            {
                continue;
            }
            var orphans = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(f => !paths.Contains(Path.GetFullPath(f))).ToList();
            Assert.True(orphans.Count == 0, "files without an entry: " + string.Join(", ", orphans));
        }
    }

    /// <summary>Every job's events form a chain: from_state of each is the to_state of the one before.</summary>
    public async Task AssertEventsInOrderAsync()
    {
        var broken = new List<string>();
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT job_id, id, kind, from_state, to_state FROM job_events ORDER BY job_id, id", conn);
        await using var r = await cmd.ExecuteReaderAsync();
        Guid job = Guid.Empty;
        string? previous = null;
        while (await r.ReadAsync())
        {
            var id = r.GetGuid(0);
            var from = r.IsDBNull(3) ? null : r.GetString(3);
            var to = r.IsDBNull(4) ? null : r.GetString(4);
            if (id != job)
            {
                job = id;
                if (from is not null) broken.Add($"{id}: first event #{r.GetInt64(1)} starts from {from}");
            }
            else if (from != previous)
            {
                broken.Add($"{id}: event #{r.GetInt64(1)} ({r.GetString(2)}) {from}→{to} after …→{previous}");
            }
            previous = to;
        }
        Assert.True(broken.Count == 0, "job history out of order:\n" + string.Join("\n", broken.Take(10)));
    }

    public Task AssertAllAsync(IReadOnlyCollection<string> urls, string expectedState = "completed") =>
        AssertAllAsync(urls.ToDictionary(u => u, _ => expectedState, StringComparer.Ordinal));

    public async Task AssertAllAsync(IReadOnlyDictionary<string, string> expected)
    {
        await AssertOneJobPerImportAsync(expected);
        // The thumbnail follows an import in its own job: the folders are compared once those have ended too.
        await Wait.UntilAsync(async () => await ScalarAsync<long>(
                "SELECT count(*) FROM jobs WHERE queue = 'thumbnails' AND state NOT IN ('completed', 'failed', 'cancelled')") == 0,
            "the thumbnail jobs to end", TimeSpan.FromSeconds(180)); // one slot at nice 10: 50 imports' thumbnails behind other test assemblies' load
        await AssertLibraryMatchesEntriesAsync();
        await AssertEventsInOrderAsync();
    }
}
