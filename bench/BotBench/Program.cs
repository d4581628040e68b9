using System.Diagnostics;
using System.Text.Json.Nodes;
using Hub.Bot;
using Hub.Bot.Receiving;
using Hub.Bot.Telegram;
using Hub.Domain;
using Hub.Domain.Access;
using Hub.Domain.Entries;
using Hub.Domain.Libraries;
using Hub.Domain.Processes;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

// The bot end to end: a stream of /search and /recent commands from 50 allowed users, served by a fake Bot API on
// 127.0.0.1 through long polling, handled by the real bot (ledger, contact gate, library search on PostgreSQL,
// interactions log) with Telegram's send limits on (25/s overall, 1/s per chat). Handling is measured apart from
// sending: replies queue behind the limiter, so sends/s is capped by the limit (the reference) and handled/s is not.
var updatesCount = args.Length > 0 ? int.Parse(args[0]) : 1000;
const int Users = 50;
var root = Path.Combine(Path.GetTempPath(), "hub-bench-bot");
if (Directory.Exists(root)) Directory.Delete(root, true);
var pg = new EmbeddedPostgres(root, new ProcessRunner(NullLogger<ProcessRunner>.Instance), NullLogger.Instance);
await pg.StartAsync(CancellationToken.None);
await using var api = await FakeApi.StartAsync();
try
{
    await HubDatabase.EnsureDatabaseAsync(pg.ConnectionString("postgres"), "bench", CancellationToken.None);
    // As `hub` does (HubHost.NoConfigReload): content root in the program's own quiet folder and no reload on change, so
    // the host puts no file watcher on the directory the bench is run from (its events cost ~11% of a run's CPU).
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
    {
        EnvironmentName = "Production",
        ContentRootPath = AppContext.BaseDirectory,
        Args = ["--hostBuilder:reloadConfigOnChange=false"],
    });
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Hub"] = pg.ConnectionString("bench") + ";Maximum Pool Size=50",
        ["Hub:DataDir"] = Path.Combine(root, "data"),
        ["Telegram:BotToken"] = FakeApi.Token,
        ["Telegram:ApiBaseUrl"] = api.BaseUrl,
        ["Telegram:PollTimeoutSeconds"] = "1",
    });
    builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(Environment.GetEnvironmentVariable("BOTBENCH_LOG") == "1" ? LogLevel.Information : LogLevel.Warning);
    builder.Services.AddHubDomain(builder.Configuration);
    builder.Services.AddHubBot(builder.Configuration);
    using var host = builder.Build();
    await host.StartAsync();
    await host.Services.GetRequiredService<BotStartup>().Ready.WaitAsync(TimeSpan.FromSeconds(60));

    // The library: 500 entries; the people: 50 allowed users.
    var contacts = host.Services.GetRequiredService<ContactService>();
    for (var u = 1; u <= Users; u++)
    {
        await contacts.AddAsync(10_000 + u, Roles.User, ContactStatuses.Allowed, CancellationToken.None);
    }
    var library = (await host.Services.GetRequiredService<LibraryService>().ListAsync(CancellationToken.None)).First(l => l.MediaKind == "video");
    await using (var db = await host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync())
    {
        string[] words = ["cat", "dog", "sea", "city", "night"];
        for (var i = 0; i < 500; i++)
        {
            db.Entries.Add(new Entry
            {
                Id = Guid.CreateVersion7(), LibraryId = library.Id, Title = $"{words[i % words.Length]} clip {i}", FilePath = $"/bench/{i}.mp4",
                SizeBytes = 1_000_000 + i, DurationSeconds = 60 + i, CreatedAt = DateTimeOffset.UtcNow.AddSeconds(-i), UpdatedAt = DateTimeOffset.UtcNow,
            });
        }
        await db.SaveChangesAsync();
    }

    var updates = Enumerable.Range(1, updatesCount).Select(i =>
    {
        var user = 10_000 + 1 + (i % Users);
        var text = i % 2 == 0 ? "/recent" : "/search " + new[] { "cat", "dog", "sea clip", "city", "night 4" }[i % 5];
        return new JsonObject
        {
            ["update_id"] = 1_000_000L + i,
            ["message"] = new JsonObject
            {
                ["message_id"] = i, ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["text"] = text,
                ["from"] = new JsonObject { ["id"] = user, ["is_bot"] = false, ["first_name"] = "U" + user },
                ["chat"] = new JsonObject { ["id"] = user, ["type"] = "private" },
                ["entities"] = new JsonArray(new JsonObject { ["type"] = "bot_command", ["offset"] = 0, ["length"] = text.Split(' ')[0].Length }),
            },
        };
    }).ToList();

    var queue = host.Services.GetRequiredService<UpdateQueue>();
    var handledBefore = queue.Handled;
    Console.WriteLine($"Bot benchmark: {updatesCount} updates (/search and /recent) from {Users} users, 500 entries, limits 25 msg/s overall, 1/s per chat ({Environment.ProcessorCount} cores)");
    var watch = Stopwatch.StartNew();
    api.Push(updates);
    while (queue.Handled - handledBefore < updatesCount)
    {
        await Task.Delay(10);
    }
    var handledSeconds = watch.Elapsed.TotalSeconds;
    while (api.Sends.Count < updatesCount)
    {
        await Task.Delay(20);
    }
    var sentSeconds = watch.Elapsed.TotalSeconds;
    await host.StopAsync();

    // The limits, checked on what the API received.
    var sends = api.Sends.ToList();
    var times = sends.Select(s => s.At).Order().ToList();
    var maxGlobal = times.Select((t, i) => times.Skip(i).TakeWhile(x => x - t < TimeSpan.FromSeconds(1)).Count()).Max();
    var minPerChatGap = sends.GroupBy(s => s.Chat).Select(g => g.Select(s => s.At).Order().ToList())
        .SelectMany(l => l.Zip(l.Skip(1), (a, b) => (b - a).TotalMilliseconds)).DefaultIfEmpty(double.MaxValue).Min();
    var handledRate = updatesCount / handledSeconds;
    var sentRate = updatesCount / sentSeconds;
    Console.WriteLine();
    Console.WriteLine($"handled:  {updatesCount} updates in {handledSeconds:0.00} s = {handledRate:0} updates/s (received, recorded, gated, searched, logged, reply queued)");
    Console.WriteLine($"sent:     {sends.Count} replies in {sentSeconds:0.00} s = {sentRate:0.0} messages/s");
    Console.WriteLine($"limits:   max {maxGlobal} messages in any 1 s window at the API (Hub paces 25/s; Telegram allows about 30); min gap per chat {minPerChatGap:0} ms (limit 1000)");
    Console.WriteLine($"reference: Telegram's overall send limit, 25 messages/s → sent/limit = {sentRate / 25:0.00}; handled/limit = {handledRate / 25:0.0}");
    // Arrival times carry the machine's scheduling jitter (both ends share 2 busy cores), so the overall check is
    // against Telegram's own limit; Hub's pacing target is 25/s.
    Console.WriteLine($"limits respected: {(maxGlobal <= 30 && minPerChatGap >= 950 ? "yes" : "NO")}");
}
finally
{
    NpgsqlConnection.ClearAllPools();
    await pg.StopAsync(CancellationToken.None);
}
