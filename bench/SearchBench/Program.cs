using System.Diagnostics;
using Hub.Domain;
using Hub.Domain.Entries;
using Hub.Domain.Processes;
using Hub.Domain.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

// Search latency through EntryService.QueryAsync (first page of 50, relevance order) at 1,000,000 generated entries
// (or the count given) in a private PostgreSQL: selective terms (a few matches), common terms (one title in seven),
// partial words (trigram) and filtered searches. Targets at 1,000,000: p95 ≤ 50 ms selective, ≤ 200 ms common.
var Count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
var root = "/tmp/hub-bench-search";
if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
var cluster = new EmbeddedPostgres(Path.Combine(root, "pg"), new ProcessRunner(NullLogger<ProcessRunner>.Instance), NullLogger.Instance,
    new EmbeddedPostgresSettings { Fast = true });
await cluster.StartAsync(CancellationToken.None);
try
{
    await HubDatabase.EnsureDatabaseAsync(cluster.ConnectionString("postgres"), "hub", CancellationToken.None);
    var cs = cluster.ConnectionString("hub");
    var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Hub"] = cs,
        ["Hub:DataDir"] = Path.Combine(root, "data"),
    }).Build();
    var services = new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Warning)).AddSingleton<IConfiguration>(config);
    services.AddHubDomain(config);
    await using var provider = services.BuildServiceProvider();
    await provider.GetRequiredService<HubDatabase>().StartAsync(CancellationToken.None);
    var entries = provider.GetRequiredService<EntryService>();

    // Vocabulary: 20 common words (each in ~1 in 7 titles) and 5,000 rare ones.
    var common = new[] { "live", "official", "video", "music", "remix", "cover", "full", "album", "episode", "trailer",
        "review", "tutorial", "part", "night", "session", "mix", "acoustic", "version", "interview", "highlights" };
    var rng = new Random(3);
    var syllables = new[] { "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "po", "da", "fu", "gi", "he", "ja", "qu", "ri", "so", "tu", "wy" };
    var rare = Enumerable.Range(0, 5000).Select(_ => string.Concat(Enumerable.Range(0, 3 + rng.Next(2)).Select(_ => syllables[rng.Next(syllables.Length)])))
        .Distinct().ToArray();
    var clock = Stopwatch.StartNew();
    var libraryId = Guid.CreateVersion7();
    await using (var conn = new NpgsqlConnection(cs))
    {
        await conn.OpenAsync();
        await using (var lib = new NpgsqlCommand("INSERT INTO libraries (id, name, slug, root_folder, path_template) VALUES ($1, 'Bench', 'bench', 'b', '{title}')", conn))
        {
            lib.Parameters.AddWithValue(libraryId);
            await lib.ExecuteNonQueryAsync();
        }
        await using (var copy = await conn.BeginBinaryImportAsync(
            "COPY entries (id, library_id, title, platform, uploader, media_kind, duration_seconds, size_bytes, tags, file_path, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            var start = DateTimeOffset.UtcNow.AddYears(-2);
            for (var i = 0; i < Count; i++)
            {
                var words = Enumerable.Range(0, 4 + rng.Next(4)).Select(_ => rng.Next(7) == 0 ? common[rng.Next(common.Length)] : rare[rng.Next(rare.Length)]);
                await copy.StartRowAsync();
                await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await copy.WriteAsync(libraryId, NpgsqlDbType.Uuid);
                await copy.WriteAsync(string.Join(' ', words), NpgsqlDbType.Text);
                await copy.WriteAsync(i % 3 == 0 ? "youtube" : i % 3 == 1 ? "vimeo" : "soundcloud", NpgsqlDbType.Text);
                await copy.WriteAsync(rare[rng.Next(rare.Length)], NpgsqlDbType.Text);
                await copy.WriteAsync(i % 4 == 0 ? "audio" : "video", NpgsqlDbType.Text);
                await copy.WriteAsync(30.0 + rng.Next(3600), NpgsqlDbType.Double);
                await copy.WriteAsync((long)rng.Next(1, 1 << 30), NpgsqlDbType.Bigint);
                await copy.WriteAsync(new[] { common[rng.Next(common.Length)] }, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await copy.WriteAsync("/media/x", NpgsqlDbType.Text);
                await copy.WriteAsync(start.AddMinutes(i * 10), NpgsqlDbType.TimestampTz);
            }
            await copy.CompleteAsync();
        }
        await using var analyze = new NpgsqlCommand("VACUUM ANALYZE entries", conn);
        await analyze.ExecuteNonQueryAsync();
    }
    Console.WriteLine($"{Count:N0} entries inserted and analysed in {clock.Elapsed.TotalSeconds:F1} s");

    var sets = new (string Name, Func<int, EntryQuery> Query, double Target)[]
    {
        ("selective term", i => new EntryQuery { Q = rare[i * 37 % rare.Length] }, 50),
        ("selective, two words", i => new EntryQuery { Q = rare[i * 37 % rare.Length] + " " + rare[i * 11 % rare.Length] }, 50),
        ("partial word (trigram)", i => new EntryQuery { Q = rare[i * 13 % rare.Length][..^1] }, 50),
        ("common term", i => new EntryQuery { Q = common[i % common.Length] }, 200),
        ("common term + filters", i => new EntryQuery { Q = common[i % common.Length], Platform = "youtube", MediaKind = "video" }, 200),
        ("common term, newest first", i => new EntryQuery { Q = common[i % common.Length], Sort = "newest" }, 200),
        ("no text, newest first", _ => new EntryQuery(), 50),
    };
    Console.WriteLine();
    Console.WriteLine("| query set | matches (first) | p50 ms | p95 ms | target p95 ms | met |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (var (name, query, target) in sets)
    {
        for (var i = 0; i < 20; i++) await entries.QueryAsync(query(i), CancellationToken.None); // warm-up
        var times = new List<double>();
        var firstCount = (await entries.QueryAsync(query(0) with { Limit = 200 }, CancellationToken.None)).Items.Count;
        for (var i = 0; i < 300; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await entries.QueryAsync(query(i), CancellationToken.None);
            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        times.Sort();
        var p95 = times[(int)(times.Count * 0.95)];
        Console.WriteLine($"| {name} | {(firstCount == 200 ? "≥200" : firstCount.ToString())} | {times[times.Count / 2]:F2} | {p95:F2} | {target} | {(p95 <= target ? "yes" : "NO")} |");
    }
    await provider.GetRequiredService<HubDatabase>().StopAsync(CancellationToken.None);
}
finally
{
    await cluster.StopAsync(CancellationToken.None);
}
