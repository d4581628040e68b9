using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Bench;
using Hub.Domain.Processes;
using Hub.Domain.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using StreamBench;

// Hub (the real `hub serve` on Kestrel) against nginx (worker_processes auto, sendfile) and curl, in one run, on one
// real 1 GiB media file, loopback only; load from wrk. Prints the issue's table rows with ratios:
// import by URL vs `curl -o` to the same disk; random 1 MiB ranges and whole-file reads at 1 and 16 connections (bearer
// and signed link); seek latency (64 KiB ranges) p95 at 16 connections; RSS of hub serve idle and while streaming.
var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 8;
var root = Environment.GetEnvironmentVariable("BENCH_ROOT") is { Length: > 0 } own ? own : "/tmp/hub-bench-stream"; // another folder: two runs at once
var www = Path.Combine(root, "www");
var size = await MediaFile.EnsureAsync(Path.Combine(www, "media.mkv"), 1024);
var rows = new List<string>();
void Row(string what, string hub, string reference, double ratio, string target, string cpu = "") =>
    rows.Add($"| {what} | {hub} | {reference} | {ratio:F2} | {target} | {cpu} |");
// Server CPU seconds per GiB sent (hub serve / nginx master and workers): the cost of serving, which the machine's
// other load does not change the way it changes throughput.
static async Task<(WrkResult Result, double CpuPerGiB)> Measured(int pid, Func<Task<WrkResult>> run)
{
    var before = Rss.CpuSeconds(pid);
    var r = await run();
    return (r, (Rss.CpuSeconds(pid) - before) / (r.Bytes / (double)(1L << 30)));
}

var pgRoot = Path.Combine(root, "pg");
if (Directory.Exists(pgRoot)) Directory.Delete(pgRoot, recursive: true);
var dataDir = Path.Combine(root, "data");
if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
Directory.CreateDirectory(dataDir);
var cluster = new EmbeddedPostgres(pgRoot, new ProcessRunner(NullLogger<ProcessRunner>.Instance), NullLogger.Instance);
await cluster.StartAsync(CancellationToken.None);
try
{
    await HubDatabase.EnsureDatabaseAsync(cluster.ConnectionString("postgres"), "hub", CancellationToken.None);
    // Private networks allowed: the source is a loopback nginx. Signed links without the per-address limit (600/min by
    // default), which wrk would hit in a second: the bench measures the serving path, not the limiter.
    using var hub = await HubServer.StartAsync(cluster.ConnectionString("hub"), dataDir,
        "--Hub:Network:AllowPrivateNetworks=true", "--Hub:RateLimits:TokenlessPerMinute=0");
    var started = Stopwatch.StartNew();
    using var nginx = await Nginx.StartAsync(root, www);
    var api = new Uri($"http://127.0.0.1:{hub.Port}/api/v1/");
    using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromMinutes(10) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", hub.Token);

    // Idle RSS 10 s after start, before anything else touches it.
    await Task.Delay(TimeSpan.FromSeconds(10) - started.Elapsed);
    var idle = Rss.Of(hub.ProcessId);
    var idleParts = Rss.Parts(hub.ProcessId);
    var children = Rss.OfChildren(hub.ProcessId);
    Console.WriteLine($"hub serve on :{hub.Port}, nginx on :{nginx.Port}, file {size / 1048576.0:F0} MiB, {seconds} s per wrk run");
    if (Environment.GetEnvironmentVariable("BENCH_IDLE_ONLY") == "1")
    {
        Console.WriteLine($"idle RSS of hub serve 10 s after start: {idle:F0} MiB ({idleParts}); {File.ReadLines($"/proc/{hub.ProcessId}/status").First(l => l.StartsWith("RssShmem", StringComparison.Ordinal))}");
        if (Environment.GetEnvironmentVariable("BENCH_SMAPS") == "1")
        {
            var byFile = new Dictionary<string, long>();
            var current = "";
            foreach (var line in File.ReadLines($"/proc/{hub.ProcessId}/smaps"))
            {
                if (char.IsAsciiHexDigit(line[0]) && line.Contains('-')) current = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(5) ?? "[anon]";
                else if (line.StartsWith("Rss:", StringComparison.Ordinal))
                    byFile[current] = byFile.GetValueOrDefault(current) + long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
            foreach (var (f, kb) in byFile.OrderByDescending(p => p.Value).Take(40)) Console.WriteLine($"{kb / 1024.0,8:F1} MiB  {f}");
        }
        return;
    }

    // Import by URL: request → entry completed and visible in GET /jobs/{id}, against curl -o into the same data disk.
    var source = nginx.Url("media.mkv");
    await Curl(source, "/dev/null"); // page cache warm for both
    var curlBest = double.MaxValue;
    var hubBest = double.MaxValue;
    Guid entryId = default;
    for (var run = 0; run < 2; run++)
    {
        var target = Path.Combine(dataDir, "curl.mkv");
        curlBest = Math.Min(curlBest, await Curl(source, target));
        File.Delete(target);
        if (entryId != default) (await http.DeleteAsync(new Uri($"entries/{entryId}", UriKind.Relative))).EnsureSuccessStatusCode();
        var cpu = Rss.CpuSeconds(hub.ProcessId);
        var (time, entry) = await ImportAsync(http, new Uri(source + $"?run={run}"));
        Console.WriteLine($"  hub serve CPU during the import: {Rss.CpuSeconds(hub.ProcessId) - cpu:F2} s (ffprobe and ffmpeg not included)");
        hubBest = Math.Min(hubBest, time);
        entryId = entry;
    }
    if (Environment.GetEnvironmentVariable("BENCH_IMPORT_ONLY") == "1")
    {
        Console.WriteLine($"import best {hubBest:F2} s, curl -o best {curlBest:F2} s");
        return;
    }
    Row("import 1 GiB media by URL (request → completed)", $"{hubBest:F2} s", $"curl -o {curlBest:F2} s", hubBest / curlBest,
        $"≤ 1.2× curl + 0.2 s = {curlBest * 1.2 + 0.2:F2} s");

    var hubUrl = new Uri(api, $"entries/{entryId}/stream");
    var link = await (await http.PostAsJsonAsync(new Uri($"entries/{entryId}/links", UriKind.Relative), new { ttlSeconds = 3600 }))
        .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
    var signedUrl = new Uri(link.GetProperty("url").GetString()!);
    var nginxUrl = nginx.Url(Path.GetFileName(new Uri(source.AbsoluteUri).LocalPath));
    var hubFile = size; // the imported entry is the same bytes

    // Warm-up: JIT, page cache of the imported copy, connections.
    await Wrk.RunAsync(nginxUrl, 4, 2, size, 1 << 20);
    await Wrk.RunAsync(hubUrl, 4, 2, hubFile, 1 << 20, hub.Token);
    await Wrk.RunAsync(signedUrl, 4, 2, hubFile, 1 << 20);

    // What the imports and the warm-up left resident, apart from what the streaming runs below add to it.
    Console.WriteLine($"  RSS of hub serve after the imports and the warm-up: {Rss.Of(hub.ProcessId):F0} MiB ({Rss.Parts(hub.ProcessId)})");

    if (Environment.GetEnvironmentVariable("BENCH_TRACE") is { Length: > 0 } traceDir)
    {
        // A CPU profile of hub serve under random 1 MiB ranges at 1 connection (bearer), 10 s, instead of the table.
        var file = Path.Combine(traceDir, $"stream-ranges-{DateTime.UtcNow:HHmmss}.nettrace");
        var traced = await DotnetTrace.CollectAsync(hub.ProcessId, 10, file, () => Wrk.RunAsync(hubUrl, 1, 12, hubFile, 1 << 20, hub.Token));
        Console.WriteLine($"traced: random 1 MiB ranges, 1 conn, {traced.MiBs:F0} MiB/s");
        return;
    }

    if (int.TryParse(Environment.GetEnvironmentVariable("BENCH_RANGES_AB"), out var pairs) && pairs > 0)
    {
        // Random 1 MiB ranges at 1 connection: nginx, bearer and signed link in turn, `pairs` times, instead of the
        // table (is a gap between the two doors real or the order they run in?).
        for (var i = 0; i < pairs; i++)
        {
            foreach (var (name, url, token) in new[] { ("nginx", nginxUrl, (string?)null), ("bearer", hubUrl, hub.Token), ("signed", signedUrl, null) })
            {
                var (r, cpu) = await Measured(name == "nginx" ? nginx.ProcessId : hub.ProcessId, () => Wrk.RunAsync(url, 1, seconds, name == "nginx" ? size : hubFile, 1 << 20, token));
                Console.WriteLine($"  pass {i + 1} {name,-6} {r.MiBs,6:F0} MiB/s  server CPU {cpu:F2} s/GiB");
            }
        }
        return;
    }

    var peak = idle;
    foreach (var c in new[] { 1, 16 })
    {
        var (n, nc) = await Measured(nginx.ProcessId, () => Wrk.RunAsync(nginxUrl, c, seconds, size, 1 << 20));
        var ((h, hc), hp) = await Rss.WhileAsync(hub.ProcessId, () => Measured(hub.ProcessId, () => Wrk.RunAsync(hubUrl, c, seconds, hubFile, 1 << 20, hub.Token)));
        var ((g, gc), gp) = await Rss.WhileAsync(hub.ProcessId, () => Measured(hub.ProcessId, () => Wrk.RunAsync(signedUrl, c, seconds, hubFile, 1 << 20)));
        peak = Math.Max(peak, Math.Max(hp, gp));
        Row($"random 1 MiB ranges, {c} conn, bearer", $"{h.MiBs:F0} MiB/s", $"nginx {n.MiBs:F0} MiB/s", h.MiBs / n.MiBs, "≥ 0.9×", $"{hc:F2} / {nc:F2}");
        Row($"random 1 MiB ranges, {c} conn, signed link", $"{g.MiBs:F0} MiB/s", $"nginx {n.MiBs:F0} MiB/s", g.MiBs / n.MiBs, "≥ 0.9×", $"{gc:F2} / {nc:F2}");
    }
    foreach (var c in new[] { 1, 16 })
    {
        var (n, nc) = await Measured(nginx.ProcessId, () => Wrk.RunAsync(nginxUrl, c, seconds, size, 0));
        var ((h, hc), hp) = await Rss.WhileAsync(hub.ProcessId, () => Measured(hub.ProcessId, () => Wrk.RunAsync(hubUrl, c, seconds, hubFile, 0, hub.Token)));
        peak = Math.Max(peak, hp);
        Row($"whole file, {c} conn", $"{h.MiBs:F0} MiB/s", $"nginx {n.MiBs:F0} MiB/s", h.MiBs / n.MiBs, "≥ 0.9×", $"{hc:F2} / {nc:F2}");
    }
    {
        var n = await Wrk.RunAsync(nginxUrl, 16, seconds, size, 64 << 10);
        var h = await Wrk.RunAsync(hubUrl, 16, seconds, hubFile, 64 << 10, hub.Token);
        Row("seek (64 KiB range) latency p95, 16 conn", $"{h.P95Ms:F2} ms", $"nginx {n.P95Ms:F2} ms", h.P95Ms / n.P95Ms, "≤ 1.5×");
    }
    Row("idle RSS of hub serve, 10 s after start", $"{idle:F0} MiB ({idleParts})", $"children (PostgreSQL is external here; aria2 etc.) {children:F0} MiB",
        idle / 120, "≤ 120 MiB (ratio to 120)");
    Row("peak RSS while streaming (16 conn)", $"{peak:F0} MiB", $"idle + {peak - idle:F0} MiB", (peak - idle) / 64, "≤ idle + 64 MiB (ratio to 64)");

    Console.WriteLine();
    Console.WriteLine("| what | hub | reference | ratio | target | server CPU s/GiB hub / nginx |");
    Console.WriteLine("|---|---|---|---|---|---|");
    rows.ForEach(Console.WriteLine);
}
finally
{
    await cluster.StopAsync(CancellationToken.None);
}

static async Task<double> Curl(Uri url, string output)
{
    // Through bash for its `times`: curl's CPU seconds (children's user and system time), printed for comparison.
    var psi = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true };
    foreach (var a in new[] { "-c", "curl -sS -o \"$1\" \"$2\" && times", "bash", output, url.AbsoluteUri }) psi.ArgumentList.Add(a);
    var clock = Stopwatch.StartNew();
    using var p = Process.Start(psi)!;
    var times = await p.StandardOutput.ReadToEndAsync();
    await p.WaitForExitAsync();
    var elapsed = clock.Elapsed.TotalSeconds;
    if (p.ExitCode != 0) throw new InvalidOperationException($"curl exited {p.ExitCode}");
    Console.WriteLine($"  curl -o {output}: {elapsed:F2} s; CPU (user system) {times.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()}");
    return elapsed;
}

static async Task<(double Seconds, Guid EntryId)> ImportAsync(HttpClient http, Uri url)
{
    var clock = Stopwatch.StartNew();
    var accepted = await (await http.PostAsJsonAsync(new Uri("imports", UriKind.Relative), new { url = url.AbsoluteUri }))
        .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
    var id = accepted.GetProperty("id").GetGuid();
    while (true)
    {
        var job = await http.GetFromJsonAsync<JsonElement>(new Uri($"jobs/{id}", UriKind.Relative));
        var state = job.GetProperty("state").GetString();
        if (state == "completed")
        {
            var elapsed = clock.Elapsed.TotalSeconds;
            // Where the time went: each state change, relative to the job's creation.
            var events = await http.GetFromJsonAsync<JsonElement>(new Uri($"jobs/{id}/events", UriKind.Relative));
            var created = job.GetProperty("createdAt").GetDateTimeOffset();
            Console.WriteLine($"  import {elapsed:F2} s: " + string.Join(", ", (events.ValueKind == JsonValueKind.Array ? events : events.GetProperty("items"))
                .EnumerateArray().Where(e => e.GetProperty("toState").ValueKind == JsonValueKind.String)
                .Select(e => $"{e.GetProperty("toState").GetString()} +{(e.GetProperty("at").GetDateTimeOffset() - created).TotalSeconds:F2}")));
            return (elapsed, job.GetProperty("entryId").GetGuid());
        }
        if (state is "failed" or "cancelled" or "awaiting_review")
            throw new InvalidOperationException($"import ended {state}: {job.GetProperty("error")}");
        await Task.Delay(20);
    }
}
