using System.Diagnostics;
using Hub.Bench;
using Hub.Domain;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Processes;
using Hub.Domain.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

// End-to-end import of a 50 MB media file URL: from ImportAsync to the entry being written (file placed, ffprobe'd,
// hashed, thumbnail made), next to curl downloading the same file from the same nginx in the same run.
var runs = args.Length > 0 ? int.Parse(args[0]) : 3;
var parallel = args.Length > 1 ? int.Parse(args[1]) : 20;
var root = Path.Combine(Path.GetTempPath(), "hub-bench-import");
var www = Path.Combine(root, "www");
Directory.CreateDirectory(www);
if (Directory.Exists(Path.Combine(root, "data"))) Directory.Delete(Path.Combine(root, "data"), true);
var runner = new ProcessRunner(NullLogger<ProcessRunner>.Instance);

// A real 50 MB video (raw frames: no encoding time), then one byte-different copy per run (imports of identical
// content would be recognised as duplicates after the download).
var source = Path.Combine(www, "source.mkv");
if (!File.Exists(source))
{
    await runner.RunCheckedAsync(new ProcessSpec("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
        "testsrc=size=320x240:rate=25:duration=18", "-c:v", "rawvideo", "-pix_fmt", "yuv420p", source]) { Timeout = TimeSpan.FromMinutes(2) }, CancellationToken.None);
}
for (var i = 0; i < runs + parallel; i++)
{
    var copy = Path.Combine(www, $"run{i}.mkv");
    File.Delete(copy);
    await runner.RunCheckedAsync(new ProcessSpec("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", source, "-c", "copy",
        "-metadata", $"comment=run {i} {Guid.NewGuid()}", copy]), CancellationToken.None);
}
var size = new FileInfo(Path.Combine(www, "run0.mkv")).Length;

using var nginx = await Nginx.StartAsync(root, www);
var pg = new EmbeddedPostgres(Path.Combine(root, "pg"), runner, NullLogger.Instance);
await pg.StartAsync(CancellationToken.None);
try
{
    await HubDatabase.EnsureDatabaseAsync(pg.ConnectionString("postgres"), "bench", CancellationToken.None);
    var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Hub"] = pg.ConnectionString("bench"),
        ["Hub:DataDir"] = Path.Combine(root, "data"),
        ["Hub:Network:AllowPrivateNetworks"] = "true",
    }.Concat(Environment.GetEnvironmentVariable("BENCH_DOWNLOAD_SLOTS") is { Length: > 0 } slots
        ? [new("Hub:Jobs:Concurrency:download", slots)] // A/B against another default
        : Array.Empty<KeyValuePair<string, string?>>())).Build();
    var services = new ServiceCollection();
    services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole());
    services.AddSingleton<IConfiguration>(config);
    services.AddHubDomain(config);
    services.AddHubWorkers();
    await using var sp = services.BuildServiceProvider();
    await HostedServices.StartAllAsync(sp);

    Console.WriteLine($"End-to-end import of a {size / 1e6:0.0} MB video URL from a local nginx, {runs} runs ({Environment.ProcessorCount} cores)");
    var curl = new List<double>();
    var hub = new List<double>();
    var updates = sp.GetRequiredService<JobUpdates>();
    var imports = sp.GetRequiredService<ImportService>();
    for (var i = 0; i < runs; i++)
    {
        var url = nginx.Url($"run{i}.mkv");
        curl.Add(await CurlAsync(url, Path.Combine(root, "curl.out")));
        using var sub = updates.Subscribe();
        var sw = Stopwatch.StartNew();
        var job = await imports.ImportAsync(new ImportRequest { Url = url.AbsoluteUri, Door = Doors.Cli }, CancellationToken.None);
        await foreach (var u in sub.ReadAllAsync(CancellationToken.None))
        {
            if (u.JobId == job.Id && u.IsFinal)
            {
                if (u.State != JobStates.Completed) throw new InvalidOperationException($"import {u.State}: {u.Error}");
                break;
            }
        }
        hub.Add(sw.Elapsed.TotalSeconds);
        var events = await sp.GetRequiredService<JobQueue>().EventsAsync(job.Id, CancellationToken.None);
        var t0 = events[0].At;
        Console.WriteLine($"run {i}: curl {curl[^1] * 1000,6:0} ms   hub {hub[^1] * 1000,6:0} ms   ("
            + string.Join(", ", events.Skip(1).Select(e => $"{e.ToState} +{(e.At - t0).TotalMilliseconds:0}")) + ")");
    }
    var curlMedian = curl.Order().ElementAt(curl.Count / 2);
    var hubMedian = hub.Order().ElementAt(hub.Count / 2);
    Console.WriteLine();
    Console.WriteLine($"median: curl {curlMedian * 1000:0} ms ({size / 1e6 / curlMedian:0} MB/s)   Hub request→entry {hubMedian * 1000:0} ms ({size / 1e6 / hubMedian:0} MB/s)");
    Console.WriteLine($"ratio Hub/curl time: {hubMedian / curlMedian:0.00} (Hub also probes, hashes, ffprobes and places the file; the thumbnail follows in its own job, untimed)");

    // Many at once: `parallel` different files, all requested together; the time until the last one is done, against
    // as many curls started together writing into the same data folder.
    if (parallel > 0)
    {
        var files = Enumerable.Range(runs, parallel).Select(i => nginx.Url($"run{i}.mkv")).ToList();
        // The curls' files stay until both sides ran, as the imported files do: page cache that one side frees is not
        // handed to the other (on this VM writing into freshly freed memory costs a fraction of writing into other memory).
        var curlOut = Enumerable.Range(0, parallel).Select(i => Path.Combine(root, "data", $"curl{i}.out")).ToList();
        var keepCurl = Environment.GetEnvironmentVariable("BENCH_KEEP_CURL") != "0";
        var hubFirst = Environment.GetEnvironmentVariable("BENCH_HUB_FIRST") == "1";
        async Task<(double Time, double Cpu)> CurlsAsync()
        {
            var curlCpuBefore = ChildCpu();
            var curlAll = Stopwatch.StartNew();
            await Task.WhenAll(files.Select((u, i) => CurlAsync(u, curlOut[i], keep: keepCurl)));
            return (curlAll.Elapsed.TotalSeconds, ChildCpu() - curlCpuBefore);
        }
        var (curlTime, curlCpu) = hubFirst ? (0.0, 0.0) : await CurlsAsync();
        using var sub = updates.Subscribe();
        var (busyBefore, allBefore) = MachineCpu();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var childBefore = ChildCpu();
        var hubAll = Stopwatch.StartNew();
        // Requested together, as the curls are started together (one after another, the 20 requests alone took 0.3–1 s
        // on the busy machine while the first imports already ran). BENCH_SEQUENTIAL_REQUESTS=1: the old way.
        var requests = files.Select(u => new ImportRequest { Url = u.AbsoluteUri, Door = Doors.Cli }).ToList();
        var jobs = new HashSet<Guid>();
        if (Environment.GetEnvironmentVariable("BENCH_SEQUENTIAL_REQUESTS") == "1")
        {
            foreach (var r in requests) jobs.Add((await imports.ImportAsync(r, CancellationToken.None)).Id);
        }
        else
        {
            jobs.UnionWith((await Task.WhenAll(requests.Select(r => imports.ImportAsync(r, CancellationToken.None)))).Select(j => j.Id));
        }
        var allJobs = jobs.ToList();
        await foreach (var u in sub.ReadAllAsync(CancellationToken.None))
        {
            if (u.IsFinal && jobs.Remove(u.JobId))
            {
                if (u.State != JobStates.Completed) throw new InvalidOperationException($"import {u.State}: {u.Error}");
                if (jobs.Count == 0) break;
            }
        }
        var hubTime = hubAll.Elapsed.TotalSeconds;
        var cpuAll = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var childCpu = ChildCpu() - childBefore;
        var (busyAfter, allAfter) = MachineCpu();
        if (hubFirst) (curlTime, curlCpu) = await CurlsAsync();
        curlOut.ForEach(File.Delete);
        // Where the wall time went: per state, the time the jobs spent in it (summed over jobs, and the mean).
        var inState = new Dictionary<string, List<double>>();
        var queue = sp.GetRequiredService<JobQueue>();
        var timeline = Environment.GetEnvironmentVariable("BENCH_TIMELINE") == "1";
        DateTimeOffset? first = null;
        foreach (var id in allJobs)
        {
            var ev = await queue.EventsAsync(id, CancellationToken.None);
            first ??= ev[0].At;
            if (timeline)
            {
                // Each job's state changes, in seconds from the first job's creation: where the slots and the waits are.
                Console.WriteLine($"  job {allJobs.IndexOf(id),2}: " + string.Join(" ", ev.Select(e => $"{e.ToState}@{(e.At - first.Value).TotalSeconds:0.00}")));
            }
            for (var k = 0; k + 1 < ev.Count; k++)
            {
                var st = ev[k].ToState ?? "?";
                if (!inState.TryGetValue(st, out var l)) inState[st] = l = [];
                l.Add((ev[k + 1].At - ev[k].At).TotalMilliseconds);
            }
        }
        Console.WriteLine("time in each state over the " + parallel + " jobs (mean / max ms): " + string.Join(", ",
            inState.Select(kv => $"{kv.Key} {kv.Value.Average():0}/{kv.Value.Max():0}")));
        Console.WriteLine($"CPU per import: Hub {cpuAll.TotalMilliseconds / parallel:0} ms in process + {childCpu * 1000 / parallel:0} ms in its children (ffprobe)"
            + $"   curl {curlCpu * 1000 / parallel:0} ms   (load average {File.ReadAllText("/proc/loadavg")[..14]}; machine CPU busy"
            + $" {(busyAfter - busyBefore) * 100.0 / Math.Max(1, allAfter - allBefore):0}% during Hub's run)");
        Console.WriteLine($"{parallel} at once: curl {curlTime:F2} s   Hub request→all entries {hubTime:F2} s   ratio {hubTime / curlTime:F2}" +
            $"   target ≤ 1.5× curl + 1 s = {curlTime * 1.5 + 1:F2} s");
    }
    await HostedServices.StopAllAsync(sp);
}
finally
{
    NpgsqlConnection.ClearAllPools();
    await pg.StopAsync(CancellationToken.None);
}

static async Task<double> CurlAsync(Uri url, string output, bool keep = false)
{
    var psi = new ProcessStartInfo("curl") { RedirectStandardOutput = true, UseShellExecute = false };
    foreach (var a in new[] { "-s", "-o", output, "-w", "%{time_total}", url.AbsoluteUri }) psi.ArgumentList.Add(a);
    using var p = Process.Start(psi)!;
    var text = await p.StandardOutput.ReadToEndAsync();
    await p.WaitForExitAsync();
    if (!keep) File.Delete(output);
    return double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}

// CPU seconds (user + system) of this process's children that have exited and been waited for: /proc/self/stat's
// cutime and cstime, in clock ticks (100 a second on Linux).
static double ChildCpu()
{
    var stat = File.ReadAllText("/proc/self/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[13]) + long.Parse(fields[14])) / 100.0; // fields 16 and 17 of the whole line
}

// The machine's busy and total CPU ticks so far (/proc/stat's first line; idle and iowait count as not busy).
static (long Busy, long All) MachineCpu()
{
    var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
    var all = f.Sum();
    return (all - f[3] - f[4], all);
}
