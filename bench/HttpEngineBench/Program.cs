using Hub.Bench;
using System.Diagnostics;
using System.Globalization;
using Hub.Domain.Engines;
using Hub.Domain.Engines.Http;
using Hub.Domain.Net;

// Downloads the same 1 GiB file from a local nginx with curl (reference) and with HttpDownloadEngine, and prints
// throughput, the engine/curl ratio and the engine's peak memory above idle. Best of two runs each.
// Run: dotnet run -c Release --project bench/HttpEngineBench
const long Size = 1L << 30;
var root = Path.Combine(Path.GetTempPath(), "hub-bench-http");
var www = Path.Combine(root, "www");
Directory.CreateDirectory(www);
var dataFile = Path.Combine(www, "data.mkv");
await EnsureDataAsync(dataFile, Size);
await EnsureDataAsync(Path.Combine(www, "warmup.mkv"), 16L << 20);

using var nginx = await Nginx.StartAsync(root, www);
Console.WriteLine($"nginx on 127.0.0.1:{nginx.Port}, file {Size / (1 << 20)} MiB");

// Reference: curl to /dev/null. The first run also pulls the file into the page cache for everyone after it.
await CurlAsync(nginx.Url("data.mkv"), "/dev/null");
var curl = await BestAsync(() => CurlAsync(nginx.Url("data.mkv"), "/dev/null"));
// Like for like: curl writing the file where the engine writes it (this VM's disk writes far slower than loopback runs).
var curlDisk = await BestAsync(() => CurlAsync(nginx.Url("data.mkv"), Path.Combine(root, "curl-out.bin")));

var options = new NetworkOptions { AllowPrivateNetworks = true };
using var http = new GuardedHttp(new UrlGuard(options, new SystemHostResolver()));
var engine = new HttpDownloadEngine(http, TimeProvider.System);
await DownloadAsync(engine, nginx.Url("warmup.mkv"), Path.Combine(root, "work-warmup"), null); // JIT and pools warm

var idle = Idle();
long peakAbove = 0, peakManagedAbove = 0;
// Into memory (/dev/shm) the engine's own cost shows: socket reads, SHA-256, copies. Into /tmp the disk sets the pace.
var shmDir = Directory.Exists("/dev/shm") ? "/dev/shm/hub-bench-http-work" : Path.Combine(root, "work-mem");
var engineMem = await BestAsync(() => Measure(shmDir));
var engineDisk = await BestAsync(() => Measure(Path.Combine(root, "work")));

async Task<double> Measure(string dir)
{
    var (speed, peak, managed) = await DownloadAsync(engine, nginx.Url("data.mkv"), dir, idle);
    peakAbove = Math.Max(peakAbove, peak);
    peakManagedAbove = Math.Max(peakManagedAbove, managed);
    return speed;
}

var ratio = engineMem / curl;
var ratioDisk = engineDisk / curlDisk;
Console.WriteLine();
Console.WriteLine($"curl -o /dev/null:          {curl / 1e6,8:F1} MB/s");
Console.WriteLine($"engine -> /dev/shm:         {engineMem / 1e6,8:F1} MB/s  (writes the file and hashes SHA-256)");
Console.WriteLine($"ratio engine/curl:          {ratio,8:F2}  (target >= 0.90) {(ratio >= 0.9 ? "OK" : "BELOW TARGET")}");
Console.WriteLine($"curl -o /tmp file:          {curlDisk / 1e6,8:F1} MB/s");
Console.WriteLine($"engine -> /tmp:             {engineDisk / 1e6,8:F1} MB/s");
Console.WriteLine($"ratio engine/curl on disk:  {ratioDisk,8:F2}");
Console.WriteLine($"engine peak working set above idle: {peakAbove / 1048576.0:F1} MiB  (target <= 64 MiB) {(peakAbove <= 64L << 20 ? "OK" : "ABOVE TARGET")}");
Console.WriteLine($"engine peak managed heap above idle: {peakManagedAbove / 1048576.0:F1} MiB");
return 0;

static async Task<double> BestAsync(Func<Task<double>> run)
{
    var best = 0.0;
    for (var i = 0; i < 2; i++)
    {
        best = Math.Max(best, await run());
    }
    return best;
}

static async Task<double> CurlAsync(Uri url, string output)
{
    var psi = new ProcessStartInfo("curl") { RedirectStandardOutput = true, UseShellExecute = false };
    foreach (var a in new[] { "-s", "-o", output, "-w", "%{speed_download}", url.AbsoluteUri })
    {
        psi.ArgumentList.Add(a);
    }
    using var p = Process.Start(psi)!;
    var written = await p.StandardOutput.ReadToEndAsync();
    await p.WaitForExitAsync();
    var speed = double.Parse(written.Trim(), CultureInfo.InvariantCulture);
    Console.WriteLine($"  curl -o {output}: {speed / 1e6:F1} MB/s");
    if (output != "/dev/null")
    {
        File.Delete(output);
    }
    return speed;
}

static (long WorkingSet, long Managed) Idle()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    using var self = Process.GetCurrentProcess();
    return (self.WorkingSet64, GC.GetTotalMemory(false));
}

static async Task<(double Speed, long PeakAbove, long ManagedAbove)> DownloadAsync(HttpDownloadEngine engine, Uri url, string workDir, (long WorkingSet, long Managed)? idle)
{
    if (Directory.Exists(workDir))
    {
        Directory.Delete(workDir, recursive: true);
    }
    using var stop = new CancellationTokenSource();
    long peak = 0, peakManaged = 0;
    var sampler = Task.Run(async () =>
    {
        using var self = Process.GetCurrentProcess();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                self.Refresh();
                peak = Math.Max(peak, self.WorkingSet64);
                peakManaged = Math.Max(peakManaged, GC.GetTotalMemory(false));
            }
        }
        catch (OperationCanceledException)
        {
        }
    });
    var sw = Stopwatch.StartNew();
    var result = await engine.DownloadAsync(new DownloadRequest(url, workDir, FormatPresets.VideoBest, null, null), new Progress<DownloadProgress>(), CancellationToken.None);
    sw.Stop();
    await stop.CancelAsync();
    await sampler;
    var speed = result.SizeBytes / sw.Elapsed.TotalSeconds;
    Directory.Delete(workDir, recursive: true);
    if (idle is { } i)
    {
        Console.WriteLine($"  engine -> {workDir}: {speed / 1e6:F1} MB/s, sha256 {result.Sha256![..16]}…, peak working set +{(peak - i.WorkingSet) / 1048576.0:F1} MiB");
        return (speed, Math.Max(0, peak - i.WorkingSet), Math.Max(0, peakManaged - i.Managed));
    }
    return (speed, 0, 0);
}

static async Task EnsureDataAsync(string path, long size)
{
    if (File.Exists(path) && new FileInfo(path).Length == size)
    {
        return;
    }
    // Real bytes, not a sparse file: the server must read and send every one of them.
    var rng = new Random(42);
    var buffer = new byte[1 << 20];
    await using (var f = File.Create(path + ".tmp"))
    {
        for (long left = size; left > 0; left -= buffer.Length)
        {
            rng.NextBytes(buffer);
            await f.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)));
        }
    }
    File.Move(path + ".tmp", path, overwrite: true);
}
