using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Hub.Domain;
using Hub.Domain.Access;
using Hub.Domain.Processes;
using Hub.Domain.Storage;
using Hub.Domain.Subscriptions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

// The cost of one subscription check when the subscription already knows N items (default 1,000): a loopback RSS feed
// of N items, a first check that remembers them all, then checks that find nothing new and checks that find 10 new items.
// Prints wall time per check and the SQL commands it ran (counted through Npgsql's ActivitySource), and the feed fetch
// and parse alone as the reference.
var known = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
var root = "/tmp/hub-bench-subscriptions";
if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
var runner = new ProcessRunner(NullLogger<ProcessRunner>.Instance);
var cluster = new EmbeddedPostgres(Path.Combine(root, "pg"), runner, NullLogger.Instance, new EmbeddedPostgresSettings { Fast = true });
await cluster.StartAsync(CancellationToken.None);
using var listener = new TcpListener(IPAddress.Loopback, 0);
try
{
    await HubDatabase.EnsureDatabaseAsync(cluster.ConnectionString("postgres"), "hub", CancellationToken.None);
    var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Hub"] = cluster.ConnectionString("hub"),
        ["Hub:DataDir"] = Path.Combine(root, "data"),
        ["Hub:Network:AllowPrivateNetworks"] = "true", // the feed is on loopback
    }).Build();
    var services = new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Warning)).AddSingleton<IConfiguration>(config);
    services.AddHubDomain(config);
    await using var provider = services.BuildServiceProvider();
    await provider.GetRequiredService<HubDatabase>().StartAsync(CancellationToken.None);

    // A tiny HTTP server for the feed: the body is swapped between rounds.
    var feed = Feed(0, known);
    listener.Start();
    var port = ((IPEndPoint)listener.LocalEndpoint).Port;
    _ = Task.Run(async () =>
    {
        while (true)
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[8192];
            var request = new StringBuilder();
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(buffer);
                if (n == 0) break;
                request.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            var body = Encoding.UTF8.GetBytes(feed);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
            await stream.WriteAsync(body);
        }
    });
    var url = $"http://127.0.0.1:{port}/feed.xml";

    var commands = 0;
    using var sql = new ActivityListener
    {
        ShouldListenTo = s => s.Name == "Npgsql",
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        ActivityStopped = _ => Interlocked.Increment(ref commands),
    };
    ActivitySource.AddActivityListener(sql);

    var admin = new Requester("bench", "bench", IsAdmin: true);
    var sub = await provider.GetRequiredService<SubscriptionService>().CreateAsync(admin, "cli", new SubscriptionInput { Url = url, MaxPerCheck = 500 }, CancellationToken.None);
    var checker = provider.GetRequiredService<SubscriptionChecker>();

    async Task<(double Ms, int Commands, CheckOutcome Outcome)> Check()
    {
        var before = commands;
        var sw = Stopwatch.StartNew();
        var outcome = await checker.CheckAsync(sub.Id, null, CancellationToken.None);
        return (sw.Elapsed.TotalMilliseconds, commands - before, outcome);
    }

    var first = await Check();
    Console.WriteLine($"first check (remembers {first.Outcome.Baseline:N0} items): {first.Ms:F1} ms, {first.Commands} SQL commands");

    // Reference: fetching and parsing the same feed, nothing else.
    var reader = provider.GetRequiredService<SourceReader>();
    var fetch = new List<double>();
    for (var i = 0; i < rounds; i++)
    {
        var sw = Stopwatch.StartNew();
        await reader.ReadAsync(url, SourceKinds.Feed, CancellationToken.None);
        fetch.Add(sw.Elapsed.TotalMilliseconds);
    }

    var idle = new List<(double Ms, int Commands, CheckOutcome Outcome)>();
    for (var i = 0; i < rounds; i++) idle.Add(await Check());

    var fresh = new List<(double Ms, int Commands, CheckOutcome Outcome)>();
    var next = known;
    for (var i = 0; i < rounds; i++)
    {
        feed = Feed(next - known + 10, known); // 10 new items on top, the window slides
        next += 10;
        fresh.Add(await Check());
    }

    static double Median(IEnumerable<double> xs) { var s = xs.Order().ToList(); return s[s.Count / 2]; }
    var fetchMs = Median(fetch);
    Console.WriteLine($"feed fetch + parse alone ({known:N0} items): median {fetchMs:F1} ms");
    Console.WriteLine($"check, nothing new ({known:N0} known): median {Median(idle.Select(x => x.Ms)):F1} ms, {idle[^1].Commands} SQL commands, ratio to fetch {Median(idle.Select(x => x.Ms)) / fetchMs:F2}");
    Console.WriteLine($"check, 10 new items: median {Median(fresh.Select(x => x.Ms)):F1} ms, {fresh[^1].Commands} SQL commands (imports: {fresh[^1].Outcome.Imported})");
}
finally
{
    listener.Stop();
    await cluster.StopAsync(CancellationToken.None);
}

// Items (offset+count-1) down to offset, newest first.
static string Feed(int offset, int count)
{
    var xml = new StringBuilder("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Bench</title>");
    var day = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    for (var i = offset + count - 1; i >= offset; i--)
    {
        xml.Append(CultureInfo.InvariantCulture,
            $"<item><title>Episode {i}</title><guid>ep-{i}</guid><pubDate>{day.AddHours(i).ToString("r", CultureInfo.InvariantCulture)}</pubDate><enclosure url=\"http://127.0.0.1:9/ep{i}.mp3\" type=\"audio/mpeg\"/><itunes:duration xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\">1800</itunes:duration></item>");
    }
    return xml.Append("</channel></rss>").ToString();
}
