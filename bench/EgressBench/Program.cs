using System.Diagnostics;
using Hub.Bench;
using Hub.Domain.Net;
using Hub.Domain.Processes;
using Microsoft.Extensions.Logging.Abstractions;

// yt-dlp downloading the same 50 MiB file from a local nginx, straight and through Hub's egress proxy, and the ratio.
// One warm-up run (page cache, Python's imports), then best of two each. Output goes to /dev/shm so the disk stays out.
// Run: dotnet run -c Release --project bench/EgressBench
const long Size = 50L << 20;
var root = Path.Combine(Path.GetTempPath(), "hub-bench-egress");
var www = Path.Combine(root, "www");
Directory.CreateDirectory(www);
var dataFile = Path.Combine(www, "data.mp4");
if (!File.Exists(dataFile) || new FileInfo(dataFile).Length != Size)
{
    var bytes = new byte[Size];
    new Random(50).NextBytes(bytes);
    await File.WriteAllBytesAsync(dataFile, bytes);
}
using var nginx = await Nginx.StartAsync(root, www);
await using var proxy = new EgressProxy(new UrlGuard(new NetworkOptions { AllowPrivateNetworks = true }, new SystemHostResolver()),
    NullLogger<EgressProxy>.Instance);
var runner = new ProcessRunner(NullLogger<ProcessRunner>.Instance);
var outDir = Directory.Exists("/dev/shm") ? "/dev/shm/hub-bench-egress" : Path.Combine(root, "out");
var straight = proxy.ToolEnvironment.ToDictionary(e => e.Key, _ => (string?)null);

await RunAsync(straight);
var direct = Math.Min(await RunAsync(straight), await RunAsync(straight));
var proxied = Math.Min(await RunAsync(proxy.ToolEnvironment), await RunAsync(proxy.ToolEnvironment));
Console.WriteLine($"yt-dlp straight:        {direct,6:F2} s  {Size / direct / 1e6,7:F1} MB/s");
Console.WriteLine($"yt-dlp through proxy:   {proxied,6:F2} s  {Size / proxied / 1e6,7:F1} MB/s");
Console.WriteLine($"overhead:               {(proxied / direct - 1) * 100,6:F1} %");
return 0;

async Task<double> RunAsync(IReadOnlyDictionary<string, string?> env)
{
    if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
    Directory.CreateDirectory(outDir);
    var sw = Stopwatch.StartNew();
    await runner.RunCheckedAsync(new ProcessSpec("yt-dlp",
        ["--ignore-config", "--no-warnings", "--quiet", "--downloader", "native", "-o", Path.Combine(outDir, "x.%(ext)s"), "--", nginx.Url("data.mp4").AbsoluteUri])
        { Environment = env, Timeout = TimeSpan.FromMinutes(5) }, CancellationToken.None);
    var elapsed = sw.Elapsed.TotalSeconds;
    if (new FileInfo(Path.Combine(outDir, "x.mp4")).Length != Size) throw new InvalidOperationException("incomplete download");
    return elapsed;
}
