using Hub.Bench;
using System.Diagnostics;
using System.Net.Http.Headers;
using Hub.Domain.Processes;
using Hub.Domain.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StreamBench;

// Range streaming of Hub (real `hub serve` on Kestrel, GET /api/v1/entries/{id}/stream with a bearer token) against
// nginx (sendfile on) serving the same 1 GiB file, in the same run, on loopback: random 1 MiB ranges and whole-file
// reads with 1 and 16 concurrent clients; throughput ratio Hub/nginx and time to first byte of a seek (p50/p95).
const long Size = 1L << 30;
const int RangeSize = 1 << 20;
var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 6;
var root = "/tmp/hub-bench-stream";
var www = Path.Combine(root, "www");
Directory.CreateDirectory(www);
var file = Path.Combine(www, "data.mkv");
if (!File.Exists(file) || new FileInfo(file).Length != Size)
{
    Console.WriteLine("writing the 1 GiB test file once…");
    var rng = new Random(42);
    var chunk = new byte[1 << 20];
    await using var f = new FileStream(file, FileMode.Create, FileAccess.Write);
    for (long i = 0; i < Size; i += chunk.Length)
    {
        rng.NextBytes(chunk);
        await f.WriteAsync(chunk);
    }
}

// A private PostgreSQL for this run, then the real hub on it.
var pgRoot = Path.Combine(root, "pg");
if (Directory.Exists(pgRoot)) Directory.Delete(pgRoot, recursive: true);
var cluster = new EmbeddedPostgres(pgRoot, new ProcessRunner(NullLogger<ProcessRunner>.Instance), NullLogger.Instance, new EmbeddedPostgresSettings { Fast = true });
await cluster.StartAsync(CancellationToken.None);
try
{
    await HubDatabase.EnsureDatabaseAsync(cluster.ConnectionString("postgres"), "hub", CancellationToken.None);
    var cs = cluster.ConnectionString("hub");
    using var hub = await HubServer.StartAsync(cs, Path.Combine(root, "data"));
    var entryId = Guid.CreateVersion7();
    await using (var conn = new NpgsqlConnection(cs))
    {
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO entries (id, library_id, title, media_kind, container, size_bytes, content_hash, file_path)
            SELECT $1, id, 'bench', 'video', 'matroska', $2, repeat('b', 64), $3 FROM libraries ORDER BY name LIMIT 1
            """, conn);
        cmd.Parameters.AddWithValue(entryId);
        cmd.Parameters.AddWithValue(Size);
        cmd.Parameters.AddWithValue(file);
        if (await cmd.ExecuteNonQueryAsync() != 1) throw new InvalidOperationException("no library to put the bench entry in");
    }
    using var nginx = await Nginx.StartAsync(root, www);
    var hubUrl = new Uri($"http://127.0.0.1:{hub.Port}/api/v1/entries/{entryId}/stream");
    var nginxUrl = nginx.Url("data.mkv");
    // The same endpoint code through a signed link: no bearer token, so no token lookup per request.
    using var admin = new HttpClient();
    admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", hub.Token);
    var link = await (await admin.PostAsync(new Uri($"http://127.0.0.1:{hub.Port}/api/v1/entries/{entryId}/links"),
        new StringContent("{}", System.Text.Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync();
    var signedUrl = new Uri(System.Text.Json.JsonDocument.Parse(link).RootElement.GetProperty("url").GetString()!);
    Console.WriteLine($"hub serve on :{hub.Port}, nginx on :{nginx.Port}; file 1 GiB (page cache warm after the first pass); {seconds} s per range run");

    using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, UseProxy = false, AutomaticDecompression = System.Net.DecompressionMethods.None });
    client.Timeout = TimeSpan.FromMinutes(10);
    HttpRequestMessage Request(Uri url, bool isHub, long? from, long? to)
    {
        var r = new HttpRequestMessage(HttpMethod.Get, url);
        if (isHub) r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", hub.Token);
        if (from is not null) r.Headers.Range = new RangeHeaderValue(from, to);
        return r;
    }

    // Warm-up: page cache, JIT, connections.
    foreach (var (u, isHub) in new[] { (nginxUrl, false), (hubUrl, true), (signedUrl, false) })
    {
        await ReadAsync(client, Request(u, isHub, null, null), new byte[1 << 16], Size);
        await RangesAsync(client, u, isHub, 4, 1.0, Request);
    }

    Console.WriteLine();
    Console.WriteLine("| workload | clients | nginx MiB/s | hub MiB/s | hub/nginx | hub signed MiB/s | signed/nginx | nginx TTFB p50/p95 ms | hub TTFB p50/p95 ms | signed TTFB p50/p95 ms |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
    foreach (var clients in new[] { 1, 16 })
    {
        var n = await RangesAsync(client, nginxUrl, false, clients, seconds, Request);
        var h = await RangesAsync(client, hubUrl, true, clients, seconds, Request);
        var g = await RangesAsync(client, signedUrl, false, clients, seconds, Request);
        Console.WriteLine($"| random 1 MiB ranges | {clients} | {n.MiBs:F0} | {h.MiBs:F0} | {h.MiBs / n.MiBs:F2} | {g.MiBs:F0} | {g.MiBs / n.MiBs:F2} | " +
            $"{n.P50:F2}/{n.P95:F2} | {h.P50:F2}/{h.P95:F2} | {g.P50:F2}/{g.P95:F2} |");
    }
    foreach (var clients in new[] { 1, 16 })
    {
        var n = await WholeAsync(client, nginxUrl, false, clients, Request);
        var h = await WholeAsync(client, hubUrl, true, clients, Request);
        Console.WriteLine($"| whole file | {clients} | {n:F0} | {h:F0} | {h / n:F2} | | | | | |");
    }
}
finally
{
    await cluster.StopAsync(CancellationToken.None);
}

static async Task<long> ReadAsync(HttpClient client, HttpRequestMessage request, byte[] buffer, long expected, Action? firstByte = null)
{
    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{request.RequestUri}: {(int)response.StatusCode}");
    await using var body = await response.Content.ReadAsStreamAsync();
    long total = 0;
    int n;
    while ((n = await body.ReadAsync(buffer)) > 0)
    {
        if (total == 0) firstByte?.Invoke();
        total += n;
    }
    if (total != expected) throw new InvalidOperationException($"{request.RequestUri}: got {total} bytes, expected {expected}");
    return total;
}

static async Task<(double MiBs, double P50, double P95)> RangesAsync(HttpClient client, Uri url, bool isHub, int clients, double seconds,
    Func<Uri, bool, long?, long?, HttpRequestMessage> request)
{
    var ttfb = new List<double>();
    long bytes = 0;
    var clock = Stopwatch.StartNew();
    var until = TimeSpan.FromSeconds(seconds);
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
    {
        var rng = new Random(1000 + c);
        var buffer = new byte[1 << 16];
        var mine = new List<double>();
        while (clock.Elapsed < until)
        {
            var from = rng.NextInt64(0, Size - RangeSize);
            var start = Stopwatch.GetTimestamp();
            double first = 0;
            Interlocked.Add(ref bytes, await ReadAsync(client, request(url, isHub, from, from + RangeSize - 1), buffer, RangeSize,
                () => first = Stopwatch.GetElapsedTime(start).TotalMilliseconds));
            mine.Add(first);
        }
        lock (ttfb) ttfb.AddRange(mine);
    }));
    var elapsed = clock.Elapsed.TotalSeconds;
    ttfb.Sort();
    return (bytes / elapsed / (1 << 20), ttfb[ttfb.Count / 2], ttfb[(int)(ttfb.Count * 0.95)]);
}

static async Task<double> WholeAsync(HttpClient client, Uri url, bool isHub, int clients, Func<Uri, bool, long?, long?, HttpRequestMessage> request)
{
    var clock = Stopwatch.StartNew();
    var reads = clients == 1 ? 2 : clients;
    long bytes = 0;
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
    {
        var buffer = new byte[1 << 16];
        for (var i = c; i < reads; i += clients) Interlocked.Add(ref bytes, await ReadAsync(client, request(url, isHub, null, null), buffer, Size));
    }));
    return bytes / clock.Elapsed.TotalSeconds / (1 << 20);
}
