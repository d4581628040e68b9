using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Hub.Testing;

/// <summary>
/// A BitTorrent swarm on loopback (PEERS.md, section 3): Debian's opentracker (whitelist-only) and a seeding aria2c,
/// serving one torrent made by mktorrent from the files a test gives. Nothing here listens beyond 127.0.0.1; DHT,
/// local peer discovery and peer exchange are off.
/// </summary>
public sealed partial class TorrentSwarm : IAsyncDisposable
{
    private readonly string _root;
    private Process? _tracker;
    private Process? _seeder;

    private TorrentSwarm(string root) => _root = root;

    public int TrackerPort { get; private set; }
    public string Announce => $"http://127.0.0.1:{TrackerPort}/announce";
    public string TorrentPath { get; private set; } = "";
    public string InfoHash { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string Magnet => $"magnet:?xt=urn:btih:{InfoHash}&dn={Uri.EscapeDataString(Name)}&tr={Uri.EscapeDataString(Announce)}";
    public byte[] TorrentBytes => File.ReadAllBytes(TorrentPath);

    /// <summary>
    /// Seeds <paramref name="files"/> (name → source path) as one torrent: a single-file torrent when there is one file,
    /// else a folder named <paramref name="name"/>. <paramref name="uploadLimit"/> (aria2 syntax, "1M") slows the seeder
    /// so a test can act mid-download.
    /// </summary>
    public static async Task<TorrentSwarm> StartAsync(string name, IReadOnlyDictionary<string, string> files, string? uploadLimit = null)
    {
        var swarm = new TorrentSwarm(Directory.CreateTempSubdirectory("hub-swarm-").FullName) { Name = name };
        try
        {
            await swarm.InitAsync(files, uploadLimit);
            return swarm;
        }
        catch
        {
            await swarm.DisposeAsync();
            throw;
        }
    }

    private async Task InitAsync(IReadOnlyDictionary<string, string> files, string? uploadLimit)
    {
        var seed = Directory.CreateDirectory(Path.Combine(_root, "seed")).FullName;
        string content;
        if (files.Count == 1)
        {
            Name = files.Keys.Single();
            content = Path.Combine(seed, Name);
            File.Copy(files.Values.Single(), content);
        }
        else
        {
            content = Directory.CreateDirectory(Path.Combine(seed, Name)).FullName;
            foreach (var (file, source) in files)
            {
                var target = Path.Combine(content, file);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(source, target);
            }
        }

        TrackerPort = FreePort();
        TorrentPath = Path.Combine(_root, "test.torrent");
        await RunAsync("mktorrent", "-a", Announce, "-l", "16", "-n", Name, "-o", TorrentPath, content);
        var info = await RunAsync("aria2c", "-S", TorrentPath);
        InfoHash = InfoHashLine().Match(info).Groups[1].Value.ToLowerInvariant();

        // opentracker chroots into -d and drops to nobody: the whitelist path is relative to the chroot and world-readable.
        var trackerDir = Directory.CreateDirectory(Path.Combine(_root, "tracker")).FullName;
        await File.WriteAllTextAsync(Path.Combine(trackerDir, "whitelist.txt"), InfoHash + "\n");
        File.SetUnixFileMode(trackerDir, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Path.Combine(trackerDir, "whitelist.txt"), (UnixFileMode)0b110_100_100);
        _tracker = Start("opentracker", "-i", "127.0.0.1", "-p", TrackerPort.ToString(), "-P", TrackerPort.ToString(), "-d", trackerDir, "-w", "/whitelist.txt");
        await WaitForPortAsync(TrackerPort);
        StartSeeder(uploadLimit);
    }

    /// <summary>The seeder's port (so tests can tell it apart).</summary>
    public int SeederPort { get; private set; }

    public void StartSeeder(string? uploadLimit = null)
    {
        SeederPort = FreePort();
        var args = new List<string>
        {
            "--dir=" + Path.Combine(_root, "seed"), "--check-integrity=true", "--seed-ratio=0.0", "--interface=127.0.0.1", "--disable-ipv6=true",
            $"--listen-port={SeederPort}", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
            "--bt-tracker=" + Announce, "--bt-external-ip=127.0.0.1", "--summary-interval=0", "--console-log-level=warn",
            "--bt-tracker-interval=1", "--bt-stop-timeout=0",
        };
        if (uploadLimit is not null) args.Add("--max-overall-upload-limit=" + uploadLimit);
        args.Add(TorrentPath);
        _seeder = Start("aria2c", [.. args]);
    }

    /// <summary>Stops the seeder (the swarm then has no source).</summary>
    public void StopSeeder()
    {
        Stop(_seeder);
        _seeder = null;
    }

    private static Process Start(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed ({p.ExitCode}): {await stderr}");
        return await stdout;
    }

    private static async Task WaitForPortAsync(int port)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(50);
            }
        }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static void Stop(Process? p)
    {
        if (p is null) return;
        try
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        p.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Stop(_seeder);
        Stop(_tracker);
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"Info Hash:\s*([0-9a-fA-F]{40})")]
    private static partial Regex InfoHashLine();
}
