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

// Search latency through EntryService.QueryAsync, the one query behind the admin's library page, REST
// GET /api/v1/entries?q= and MCP search_library, at 1,000,000 generated entries (or the count given) in a private
// PostgreSQL (the product's default settings). Targets at 1,000,000: p95 ≤ 50 ms selective, ≤ 200 ms common.
var count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
var runs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200;
// "keep": reuse the cluster a previous run left when it holds as many entries (migrations added since are applied).
var keep = args.Length > 2 && args[2] == "keep";
var root = "/tmp/hub-bench-search";
if (!keep && Directory.Exists(root)) Directory.Delete(root, recursive: true);
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

    var library = new Library();
    var clock = Stopwatch.StartNew();
    if (!keep || await Library.CountAsync(cs) != count)
    {
        Console.WriteLine($"Seeding {count:N0} entries:");
        await library.SeedAsync(cs, count);
    }
    Console.WriteLine($"{count:N0} entries ready in {clock.Elapsed.TotalSeconds:F1} s (load average {File.ReadAllText("/proc/loadavg").Trim()})");

    var w = library.Words;
    string Common(int i) => w[i % 20];                                  // ranks 1-20: in 3% to 50% of titles
    string Mid(int i) => w[200 + i * 7 % 1800];                         // ranks 200-2,000: hundreds to a few thousand
    string Rare(int i) => w[10_000 + i * 997 % 50_000];                 // ranks 10,000-60,000: a handful to a few dozen
    string Prefix3(int i) => w.Where(x => x.Length >= 4).ElementAt(i % 20)[..3];
    string Prefix4(int i) => Mid(i).Length > 4 ? Mid(i)[..4] : Mid(i);
    var lib = library.LibraryIds;
    var recent = library.End.AddDays(-180);
    // Page 3 of a common term, newest first: the cursors are fetched once, before the timing.
    var cursors = new Dictionary<int, string?>();
    for (var i = 0; i < 20; i++)
    {
        var q = new EntryQuery { Q = Common(i), Sort = "newest", Limit = 50 };
        var p2 = await entries.QueryAsync(q with { Cursor = (await entries.QueryAsync(q, CancellationToken.None)).NextCursor }, CancellationToken.None);
        cursors[i] = p2.NextCursor;
    }

    var sets = new (string Name, Func<int, EntryQuery> Query, double Target, string Sample)[]
    {
        ("selective term (REST, 50)", i => new() { Q = Rare(i) }, 50, Rare(0)),
        ("selective, two words", i => new() { Q = Rare(i) + " " + Mid(i) }, 50, Rare(0) + " " + Mid(0)),
        ("selective uploader", i => new() { Q = library.Uploaders[3000 + i * 13 % 10_000] }, 50, library.Uploaders[3000]),
        ("selective + library + kind (admin, 24)", i => new() { Q = Rare(i), LibraryId = lib[0], MediaKind = "video", Limit = 24 }, 50, Rare(0)),
        ("mid term (hundreds-thousands)", i => new() { Q = Mid(i) }, 200, Mid(0)),
        ("common term (REST, 50)", i => new() { Q = Common(i) }, 200, Common(0)),
        ("two common words", i => new() { Q = Common(i) + " " + Common(i + 1) }, 200, Common(0) + " " + Common(1)),
        ("common + library + kind + platform (admin, 24)", i => new() { Q = Common(i), LibraryId = lib[i % 4], MediaKind = "video", Platform = "youtube", Limit = 24 }, 200, Common(0)),
        ("common + tag", i => new() { Q = Common(i), Tags = [library.Tags[i % 10]] }, 200, Common(0)),
        ("common + last 180 days", i => new() { Q = Common(i), From = recent }, 200, Common(0)),
        ("common, newest first", i => new() { Q = Common(i), Sort = "newest" }, 200, Common(0)),
        ("common, newest first, page 3 (cursor)", i => new() { Q = Common(i), Sort = "newest", Limit = 50, Cursor = cursors[i % 20] }, 200, Common(0)),
        ("common, by title", i => new() { Q = Common(i), Sort = "title" }, 200, Common(0)),
        ("MCP search_library (20) + media_kind", i => new() { Q = Common(i), MediaKind = "audio", Limit = 20 }, 200, Common(0)),
        ("short prefix: 3 letters (admin as you type, 24)", i => new() { Q = Prefix3(i), Limit = 24 }, 200, Prefix3(0)),
        ("prefix: 4 letters of a mid word (24)", i => new() { Q = Prefix4(i), Limit = 24 }, 200, Prefix4(0)),
        ("no text, newest first (REST, 50)", _ => new(), 50, ""),
        ("no text + library + kind + platform (admin, 24)", i => new() { LibraryId = lib[i % 4], MediaKind = "audio", Platform = "soundcloud", Limit = 24 }, 50, ""),
        ("no text + tag, newest first", i => new() { Tags = [library.Tags[i % 10]] }, 50, ""),
    };
    await using var conn = new NpgsqlConnection(cs);
    await conn.OpenAsync();
    Console.WriteLine();
    Console.WriteLine("| query set | e.g. (full-text matches) | p50 ms | p95 ms | target p95 ms | met |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (var (name, query, target, sample) in sets)
    {
        for (var i = 0; i < 10; i++) await entries.QueryAsync(query(i), CancellationToken.None); // warm-up
        var matches = sample.Length == 0 ? "" : $"{sample} ({await Library.MatchesAsync(conn, string.Join(" & ", sample.Split(' ')))})";
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await entries.QueryAsync(query(i), CancellationToken.None);
            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        times.Sort();
        var p95 = times[(int)(times.Count * 0.95)];
        Console.WriteLine($"| {name} | {matches} | {times[times.Count / 2]:F1} | {p95:F1} | {target} | {(p95 <= target ? "yes" : "NO")} |");
    }
    Console.WriteLine($"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
    await provider.GetRequiredService<HubDatabase>().StopAsync(CancellationToken.None);
}
finally
{
    await cluster.StopAsync(CancellationToken.None);
}
