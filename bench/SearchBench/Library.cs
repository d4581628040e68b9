using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

/// <summary>
/// A generated library whose term frequencies look like a real one: title words, uploaders and tags are drawn from
/// Zipf-distributed vocabularies (a few words in a large share of titles, a long tail of words in a handful), platforms
/// and media kinds with realistic weights, four libraries of unequal size, dates spread over five years.
/// </summary>
internal sealed class Library
{
    // The head of the title vocabulary: real words titles of videos and tracks are full of (rank 1 first).
    private static readonly string[] Head =
    [
        "official", "video", "live", "music", "the", "full", "hd", "remix", "new", "album", "episode", "feat", "mix",
        "cover", "version", "trailer", "session", "part", "acoustic", "night", "review", "tutorial", "interview",
        "highlights", "lyrics", "audio", "best", "concert", "2024", "2023", "show", "song", "love", "dance", "edit",
        "original", "extended", "radio", "documentary", "podcast", "game", "world", "day", "how", "to", "and", "of", "in",
        "my", "vs", "first", "last", "summer", "winter", "festival", "studio", "piano", "guitar", "orchestra", "symphony",
        "mountain", "city", "river", "travel", "vlog", "cooking", "recipe", "unboxing", "tour", "behind", "scenes",
        "deluxe", "remastered", "demo", "instrumental", "karaoke", "chill", "lofi", "beats", "jazz", "rock", "metal",
        "classical", "ambient", "techno", "house", "lecture", "keynote", "conference", "match", "goals", "race", "final",
    ];

    private static readonly string[] Consonants = ["b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "ch", "sh", "tr"];
    private static readonly string[] Vowels = ["a", "e", "i", "o", "u", "ai", "ou"];

    private static readonly (string? Name, int Weight)[] Platforms =
        [("youtube", 55), ("soundcloud", 10), ("vimeo", 6), ("twitch", 4), ("bandcamp", 3), ("telegram", 4), ("generic", 6), (null, 12)];

    public string[] Words { get; }
    public string[] Uploaders { get; }
    public string[] Tags { get; }
    // Fixed, so a kept cluster (SearchBench's "keep") is queried with the same ids.
    public Guid[] LibraryIds { get; } = [.. Enumerable.Range(1, 4).Select(i => Guid.Parse($"0193a000-0000-7000-8000-00000000000{i}"))];
    public DateTimeOffset Start { get; } = new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public DateTimeOffset End { get; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly double[] wordCdf;
    private readonly double[] uploaderCdf;
    private readonly double[] tagCdf;

    public Library(int vocabulary = 60_000)
    {
        var rng = new Random(7);
        var seen = new HashSet<string>(Head);
        var words = new List<string>(Head);
        while (words.Count < vocabulary)
        {
            var w = PseudoWord(rng, 2 + rng.Next(3));
            if (seen.Add(w)) words.Add(w);
        }
        Words = [.. words];
        var names = new HashSet<string>();
        while (names.Count < 20_000) names.Add(PseudoWord(rng, 2 + rng.Next(2)) + (rng.Next(3) == 0 ? "tv" : rng.Next(2) == 0 ? "music" : ""));
        Uploaders = [.. names];
        var tags = new HashSet<string>(["favourite", "watch-later", "kids", "workout", "study", "party", "news", "archive"]);
        while (tags.Count < 500) tags.Add(PseudoWord(rng, 2 + rng.Next(2)));
        Tags = [.. tags];
        wordCdf = ZipfCdf(Words.Length, 1.05);
        uploaderCdf = ZipfCdf(Uploaders.Length, 0.9);
        tagCdf = ZipfCdf(Tags.Length, 1.0);
    }

    /// <summary>Writes <paramref name="count"/> entries through the product's own table: its generated search vector is
    /// computed by PostgreSQL as for every import. The secondary indexes are dropped for the load and rebuilt from their
    /// own definitions afterwards (as a restore does), then the table is vacuumed and analysed.</summary>
    public async Task SeedAsync(string connectionString, int count)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await ExecAsync(conn, "TRUNCATE entries, libraries CASCADE");
        for (var i = 0; i < LibraryIds.Length; i++)
        {
            await using var lib = new NpgsqlCommand("INSERT INTO libraries (id, name, slug, root_folder, path_template) VALUES ($1, $2, $3, $3, '{title}')", conn);
            lib.Parameters.AddWithValue(LibraryIds[i]);
            lib.Parameters.AddWithValue($"Library {i + 1}");
            lib.Parameters.AddWithValue($"lib{i + 1}");
            await lib.ExecuteNonQueryAsync();
        }
        var indexes = new List<(string Name, string Definition)>();
        await using (var list = new NpgsqlCommand(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'entries' AND indexname <> 'entries_pkey'", conn))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) indexes.Add((reader.GetString(0), reader.GetString(1)));
        }
        // Statistics targets set on index expressions (migration 0018) are not part of the definition: kept apart.
        var targets = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT format('ALTER INDEX %I ALTER COLUMN %s SET STATISTICS %s', c.relname, a.attnum, a.attstattarget) FROM pg_index i " +
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_attribute a ON a.attrelid = c.oid " +
            "WHERE i.indrelid = 'entries'::regclass AND a.attstattarget > 0", conn))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) targets.Add(reader.GetString(0));
        }
        foreach (var (name, _) in indexes) await ExecAsync(conn, $"DROP INDEX \"{name}\"");
        // The rows are valid by construction: no per-row foreign-key trigger during the load.
        await ExecAsync(conn, "SET session_replication_role = replica");
        var clock = Stopwatch.StartNew();
        var rng = new Random(11);
        var span = (End - Start).TotalSeconds;
        await using (var copy = await conn.BeginBinaryImportAsync(
            "COPY entries (id, library_id, title, platform, uploader, media_kind, duration_seconds, size_bytes, tags, file_path, " +
            "source_url, source_id, created_at, updated_at, subtitle_vector) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < count; i++)
            {
                // Added in order over five years (ids are version 7, made from the same instant, as an import makes them).
                var created = Start.AddSeconds(span * (i + rng.NextDouble()) / count);
                var platform = Pick(rng, Platforms);
                var kind = platform is "soundcloud" or "bandcamp" || rng.Next(100) < 20 ? "audio" : rng.Next(100) < 3 ? "other" : "video";
                var library = rng.Next(100) switch { < 50 => 0, < 75 => 1, < 90 => 2, _ => 3 };
                var title = string.Join(' ', Enumerable.Range(0, 3 + rng.Next(7)).Select(_ => Words[Draw(rng, wordCdf)]));
                var tags = rng.Next(100) < 55 ? [] : Enumerable.Range(0, 1 + rng.Next(3)).Select(_ => Tags[Draw(rng, tagCdf)]).Distinct().ToArray();
                var sourceId = platform is null ? null : $"s{i}";
                await copy.StartRowAsync();
                await copy.WriteAsync(Guid.CreateVersion7(created), NpgsqlDbType.Uuid);
                await copy.WriteAsync(LibraryIds[library], NpgsqlDbType.Uuid);
                await copy.WriteAsync(title, NpgsqlDbType.Text);
                await WriteNullableAsync(copy, platform);
                await WriteNullableAsync(copy, platform is null ? null : Uploaders[Draw(rng, uploaderCdf)]);
                await copy.WriteAsync(kind, NpgsqlDbType.Text);
                await copy.WriteAsync(kind == "audio" ? 120.0 + rng.Next(400) : 20.0 + rng.Next(5400), NpgsqlDbType.Double);
                await copy.WriteAsync((long)rng.Next(1, int.MaxValue), NpgsqlDbType.Bigint);
                await copy.WriteAsync(tags, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await copy.WriteAsync($"/media/lib{library + 1}/{i}.mkv", NpgsqlDbType.Text);
                await WriteNullableAsync(copy, sourceId is null ? null : $"https://{platform}.example/{sourceId}");
                await WriteNullableAsync(copy, sourceId);
                await copy.WriteAsync(created, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(created, NpgsqlDbType.TimestampTz);
                // Subtitles looked at (none found), as the subtitle indexer leaves an entry without a subtitle file.
                await copy.WriteAsync(NpgsqlTsVector.Empty, NpgsqlDbType.TsVector);
            }
            await copy.CompleteAsync();
        }
        await ExecAsync(conn, "SET session_replication_role = DEFAULT");
        Console.WriteLine($"  copied {count:N0} rows in {clock.Elapsed.TotalSeconds:F1} s");
        clock.Restart();
        await ExecAsync(conn, "SET maintenance_work_mem = '1GB'");
        foreach (var (_, definition) in indexes) await ExecAsync(conn, definition);
        foreach (var target in targets) await ExecAsync(conn, target);
        Console.WriteLine($"  rebuilt {indexes.Count} indexes in {clock.Elapsed.TotalSeconds:F1} s");
        clock.Restart();
        await ExecAsync(conn, "VACUUM ANALYZE entries");
        Console.WriteLine($"  vacuumed and analysed in {clock.Elapsed.TotalSeconds:F1} s");
    }

    public static async Task<long> CountAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM entries", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>How many entries' search vectors hold <paramref name="word"/> (the full-text index answers).</summary>
    public static async Task<long> MatchesAsync(NpgsqlConnection conn, string word)
    {
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM entries WHERE search_vector @@ to_tsquery('simple', $1)", conn);
        cmd.Parameters.AddWithValue(word);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value) =>
        value is null ? copy.WriteNullAsync() : copy.WriteAsync(value, NpgsqlDbType.Text);

    private static string PseudoWord(Random rng, int syllables) =>
        string.Concat(Enumerable.Range(0, syllables).Select(_ => Consonants[rng.Next(Consonants.Length)] + Vowels[rng.Next(Vowels.Length)]));

    private static string? Pick(Random rng, (string? Name, int Weight)[] weighted)
    {
        var n = rng.Next(weighted.Sum(w => w.Weight));
        foreach (var (name, weight) in weighted)
        {
            if (n < weight) return name;
            n -= weight;
        }
        return weighted[^1].Name;
    }

    private static double[] ZipfCdf(int n, double s)
    {
        var cdf = new double[n];
        var sum = 0.0;
        for (var k = 0; k < n; k++) cdf[k] = sum += 1 / Math.Pow(k + 1, s);
        for (var k = 0; k < n; k++) cdf[k] /= sum;
        return cdf;
    }

    private static int Draw(Random rng, double[] cdf)
    {
        var i = Array.BinarySearch(cdf, rng.NextDouble());
        return Math.Min(i < 0 ? ~i : i, cdf.Length - 1);
    }
}
