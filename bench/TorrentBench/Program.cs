using System.Diagnostics;
using Hub.Domain;
using Hub.Domain.Engines;
using Hub.Domain.Engines.Torrent;
using Hub.Domain.Net;
using Hub.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// Downloads the same torrent from the same loopback swarm (opentracker + one seeding aria2c) with aria2c alone
// (reference) and with Hub's TorrentEngine (its supervised aria2 over JSON-RPC: add paused, guard the trackers, select
// the media files, poll progress), and prints both rates and their ratio. Best of two each, alternating.
// Run: dotnet run -c Release --project bench/TorrentBench [-- size-in-MiB]
var sizeMiB = args.Length > 0 ? int.Parse(args[0]) : 512;
var root = Path.Combine(Path.GetTempPath(), "hub-bench-torrent");
Directory.CreateDirectory(root);
var payload = Path.Combine(root, $"payload-{sizeMiB}.mkv");
if (!File.Exists(payload) || new FileInfo(payload).Length != (long)sizeMiB << 20)
{
    var rng = new Random(42);
    var buffer = new byte[1 << 20];
    await using var f = File.Create(payload);
    for (var i = 0; i < sizeMiB; i++)
    {
        rng.NextBytes(buffer);
        await f.WriteAsync(buffer);
    }
}
await using var swarm = await TorrentSwarm.StartAsync("bench", new Dictionary<string, string> { ["Bench Payload.mkv"] = payload });
Console.WriteLine($"swarm: tracker 127.0.0.1:{swarm.TrackerPort}, one seeder, {sizeMiB} MiB, info hash {swarm.InfoHash}");
await Task.Delay(2000); // the seeder checks the file and announces

var hub = new HubOptions
{
    DataDir = Path.Combine(root, "hub-data"),
    Network = new NetworkOptions { AllowPrivateNetworks = true },
    Torrents = new TorrentOptions { Dht = false, Interface = "127.0.0.1" },
};
var options = Options.Create(hub);
var guard = new UrlGuard(hub.Network, new SystemHostResolver());
await using var proxy = new EgressProxy(guard, NullLogger<EgressProxy>.Instance);
await using var daemon = new Aria2Daemon(options, proxy, NullLogger<Aria2Daemon>.Instance);
using var http = new GuardedHttp(guard);
var engine = new TorrentEngine(daemon, new TrackerGuard(guard, options), http, options, TimeProvider.System, NullLogger<TorrentEngine>.Instance);
await daemon.GetAsync(CancellationToken.None); // started before the clock runs, as in a running Hub

double bestAria = 0, bestHub = 0;
for (var round = 0; round < 2; round++)
{
    bestAria = Math.Max(bestAria, await AriaAloneAsync());
    bestHub = Math.Max(bestHub, await HubAsync());
}
var ratio = bestHub / bestAria;
Console.WriteLine();
Console.WriteLine($"aria2c alone:          {bestAria / 1e6,8:F1} MB/s");
Console.WriteLine($"Hub TorrentEngine:     {bestHub / 1e6,8:F1} MB/s");
Console.WriteLine($"ratio Hub/aria2c:      {ratio,8:F2}  (target >= 0.90) {(ratio >= 0.9 ? "OK" : "BELOW TARGET")}");
return 0;

async Task<double> AriaAloneAsync()
{
    var dir = Fresh("aria2c-alone");
    var psi = new ProcessStartInfo("aria2c") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in new[]
    {
        "--dir=" + dir, "--seed-time=0", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
        "--interface=127.0.0.1", "--disable-ipv6=true", $"--listen-port={TorrentSwarm.FreePort()}", "--file-allocation=none",
        "--summary-interval=0", "--console-log-level=warn", swarm.TorrentPath,
    }) psi.ArgumentList.Add(a);
    var sw = Stopwatch.StartNew();
    using var p = Process.Start(psi)!;
    _ = p.StandardOutput.ReadToEndAsync();
    _ = p.StandardError.ReadToEndAsync();
    await p.WaitForExitAsync();
    sw.Stop();
    var rate = ((long)sizeMiB << 20) / sw.Elapsed.TotalSeconds;
    Console.WriteLine($"  aria2c alone: {sw.Elapsed.TotalSeconds:F2} s  {rate / 1e6:F1} MB/s (exit {p.ExitCode})");
    return rate;
}

async Task<double> HubAsync()
{
    var dir = Fresh("hub-engine");
    var sw = Stopwatch.StartNew();
    var request = new DownloadRequest(new Uri(swarm.TorrentPath), dir, "video_best", null, null);
    var result = await engine.DownloadFileAsync(swarm.TorrentPath, request, new Progress<DownloadProgress>(), CancellationToken.None);
    sw.Stop();
    var rate = result.SizeBytes / sw.Elapsed.TotalSeconds;
    Console.WriteLine($"  Hub engine:   {sw.Elapsed.TotalSeconds:F2} s  {rate / 1e6:F1} MB/s");
    return rate;
}

string Fresh(string name)
{
    var dir = Path.Combine(root, name);
    if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    Directory.CreateDirectory(dir);
    return dir;
}
