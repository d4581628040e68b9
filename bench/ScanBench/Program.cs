using System.Diagnostics;
using Hub.Domain;
using Hub.Domain.Libraries;
using Hub.Domain.Processes;
using Hub.Domain.Scanning;
using Hub.Domain.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

// The library scanner on a generated tree: tiny real media files named as TV episodes, films and music (each with its
// own bytes, so each is hashed and filed), plus sparse large files for the hash path. Prints files/s for the first
// scan, the time of a second (unchanged) scan, peak memory, and the ratio to ffprobe alone on the same files.
var count = args.Length > 0 ? int.Parse(args[0]) : 10_000;
var sparse = args.Length > 1 ? int.Parse(args[1]) : 10;
var root = "/tmp/hub-bench-scan";
if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
var runner = new ProcessRunner(NullLogger<ProcessRunner>.Instance);
var cluster = new EmbeddedPostgres(Path.Combine(root, "pg"), runner, NullLogger.Instance, new EmbeddedPostgresSettings { Fast = true });
await cluster.StartAsync(CancellationToken.None);
try
{
    await HubDatabase.EnsureDatabaseAsync(cluster.ConnectionString("postgres"), "hub", CancellationToken.None);
    var settings = new Dictionary<string, string?>
    {
        ["ConnectionStrings:Hub"] = cluster.ConnectionString("hub"),
        ["Hub:DataDir"] = Path.Combine(root, "data"),
        ["Hub:Scanner:MinFileAge"] = "00:00:00",
    };
    // BENCH_FAKE_FFPROBE=1: a stand-in that prints one saved ffprobe answer, to measure the scanner's own cost (walk,
    // hash, database) at full size without ffprobe's start (which here loads some 200 shared libraries per file).
    var fake = Environment.GetEnvironmentVariable("BENCH_FAKE_FFPROBE") == "1";
    var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    var services = new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Warning)).AddSingleton<IConfiguration>(config);
    services.AddHubDomain(config);
    await using var provider = services.BuildServiceProvider();
    await provider.GetRequiredService<HubDatabase>().StartAsync(CancellationToken.None);
    var library = await provider.GetRequiredService<LibraryService>().CreateAsync(new LibraryInput("Bench", "bench", MediaKind: "any"), CancellationToken.None);
    var tree = Path.Combine(root, "data", "media", "bench");

    // Templates: a 1 s video and a 1 s mp3; each copy gets 16 bytes of its own at the end (ffprobe ignores them).
    var video = Path.Combine(root, "t.mp4");
    var audio = Path.Combine(root, "t.mp3");
    await runner.RunCheckedAsync(new ProcessSpec("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=5",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", video]), CancellationToken.None);
    await runner.RunCheckedAsync(new ProcessSpec("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=duration=1",
        "-c:a", "libmp3lame", "-b:a", "32k", audio]), CancellationToken.None);
    if (fake)
    {
        var answer = await runner.RunCheckedAsync(new ProcessSpec("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", video]), CancellationToken.None);
        File.WriteAllText(Path.Combine(root, "probe.json"), answer);
        var script = Path.Combine(root, "fake-ffprobe");
        File.WriteAllText(script, $"#!/bin/sh\nexec cat {Path.Combine(root, "probe.json")}\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<HubOptions>>().Value.Tools.FFprobe = script;
        Console.WriteLine("ffprobe: a stand-in printing a saved answer (BENCH_FAKE_FFPROBE=1)");
    }
    var v = File.ReadAllBytes(video);
    var a = File.ReadAllBytes(audio);
    var files = new List<string>();
    for (var i = 0; i < count; i++)
    {
        var rel = (i % 3) switch
        {
            0 => $"TV/Show {i % 97}/Season {i / 300 + 1}/Show.{i % 97}.S{i / 300 + 1:00}E{i / 3 % 100:00}.720p.WEB-DL.mp4",
            1 => $"Films/Film {i} ({1950 + i % 70})/Film.{i}.{1950 + i % 70}.1080p.BluRay.mp4",
            _ => $"Music/Artist {i % 50}/Album {i % 300}/{i % 20 + 1:00} - Song {i}.mp3",
        };
        var path = Path.Combine(tree, rel);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var f = File.Create(path))
        {
            await f.WriteAsync(i % 3 == 2 ? a : v);
            await f.WriteAsync(Guid.NewGuid().ToByteArray());
        }
        files.Add(path);
    }
    for (var i = 0; i < sparse; i++)
    {
        var path = Path.Combine(tree, "Films", $"Large Film {i} (2020)", $"Large.Film.{i}.2020.2160p.mp4");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var f = File.Create(path))
        {
            await f.WriteAsync(v);
            await f.WriteAsync(Guid.NewGuid().ToByteArray());
            f.SetLength(1L << 30); // sparse: 1 GiB to hash, nothing on disk
        }
    }
    Console.WriteLine($"tree: {count:N0} small files + {sparse} sparse 1 GiB files under {tree}");

    // Reference: ffprobe alone, one file after another, on 100 of the same files before the scan and 100 after (the
    // machine is shared: one figure taken before a long scan can be measured under another load than the scan).
    var ffprobe = provider.GetRequiredService<Hub.Domain.Media.FfprobeClient>();
    var refTime = TimeSpan.Zero;
    var refCount = 0;
    async Task ReferenceAsync(IEnumerable<string> sample)
    {
        var refClock = Stopwatch.StartNew();
        foreach (var f in sample)
        {
            await ffprobe.ProbeAsync(f, CancellationToken.None);
            refCount++;
        }
        refTime += refClock.Elapsed;
    }
    await ReferenceAsync(files.Take(100));

    var scanner = provider.GetRequiredService<LibraryScanner>();
    long peakManaged = 0;
    using var sampler = new Timer(_ => peakManaged = Math.Max(peakManaged, GC.GetTotalMemory(false)), null, 0, 50);
    var clock = Stopwatch.StartNew();
    var firstSteps = new ScanTimings();
    var progress = new Progress<int>(n => Console.WriteLine($"  {clock.Elapsed.TotalSeconds,7:0.0} s: {n:N0} files walked"));
    var first = await scanner.ScanAsync(library, progress, CancellationToken.None, firstSteps);
    var firstTime = clock.Elapsed.TotalSeconds;
    clock.Restart();
    var secondSteps = new ScanTimings();
    var second = await scanner.ScanAsync(library, null, CancellationToken.None, secondSteps);
    var secondTime = clock.Elapsed.TotalSeconds;
    var rate = first.Files / firstTime;
    await ReferenceAsync(files.Skip(100).Take(100));
    var ffprobeRate = refCount / refTime.TotalSeconds;

    Console.WriteLine($"first scan:  {first.Files:N0} files in {firstTime:0.0} s = {rate:0.0} files/s (added {first.Added:N0}, unmatched {first.Unmatched}, failed {first.Failed})");
    Console.WriteLine($"second scan (unchanged): {secondTime:0.00} s ({second.Unchanged:N0} unchanged, {second.Added} added, {second.Updated} updated)");
    Console.WriteLine($"first scan steps:  {firstSteps}");
    Console.WriteLine($"second scan steps: {secondSteps}");
    Console.WriteLine($"reference: ffprobe alone {ffprobeRate:0.0} files/s; ratio scanner/ffprobe {rate / ffprobeRate:0.00}");
    Console.WriteLine($"peak memory: working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MiB, managed heap {peakManaged >> 20} MiB");
}
finally
{
    await cluster.StopAsync(CancellationToken.None);
}
