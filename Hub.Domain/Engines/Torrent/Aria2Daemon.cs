using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Hub.Domain.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Engines.Torrent;

/// <summary>
/// The aria2 Hub talks to: an external one (<c>Hub:Torrents:RpcUrl</c>), or a private <c>aria2c</c> started on first use,
/// its RPC bound to loopback on a free port with a random secret kept in a 0600 config file (never on the command line),
/// its plain HTTP fetches (web seeds) sent through the <see cref="EgressProxy"/> (tracker requests ignore proxies: see
/// <see cref="TrackerGuard"/>), and restarted when it has died.
/// No aria2 session file: the job queue is the list of what to download, and each job's work folder keeps aria2's
/// control file and the torrent's metadata, so a job that resumes (after a crash of Hub or of aria2) adds its torrent
/// again and aria2 continues with the pieces it has. A session file would also bring back downloads whose job was
/// cancelled while Hub was down.
/// </summary>
public sealed class Aria2Daemon(IOptions<HubOptions> options, EgressProxy proxy, ILogger<Aria2Daemon> logger) : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };
    private Process? _process;
    private Aria2Rpc? _rpc;
    private int _starts;

    private TorrentOptions Torrents => options.Value.Torrents;

    private string Folder => Path.Combine(options.Value.FullDataDir, "aria2");

    /// <summary>How many times Hub has started its aria2 (for health and tests).</summary>
    public int Starts => _starts;

    /// <summary>The running daemon's RPC, starting (or restarting) Hub's own aria2 when needed.</summary>
    public async Task<Aria2Rpc> GetAsync(CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(Torrents.RpcUrl))
        {
            return _rpc ??= new Aria2Rpc(_http, new Uri(Torrents.RpcUrl), Torrents.RpcSecret ?? "");
        }
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_rpc is not null && _process is { HasExited: false })
            {
                return _rpc;
            }
            if (_process is { HasExited: true } dead)
            {
                logger.LogWarning("aria2 exited with code {Code}; starting it again", dead.ExitCode);
                dead.Dispose();
            }
            return await StartAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Whether Hub's own aria2 process is alive (false when an external one is configured or none was started).</summary>
    public bool Running => _process is { HasExited: false };

    /// <summary>Kills Hub's own aria2 (tests use it to prove a job survives aria2 dying).</summary>
    public void Kill() => _process?.Kill(entireProcessTree: true);

    private async Task<Aria2Rpc> StartAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        KillOrphan();
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var port = FreeLoopbackPort();
        var conf = Path.Combine(Folder, "aria2.conf");
        // The secret lives in a file only Hub's user can read: a command line is visible to every user in ps.
        await File.WriteAllTextAsync(conf, $"rpc-secret={secret}\n", ct).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(conf, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var t = Torrents;
        var start = new ProcessStartInfo(options.Value.Tools.Aria2c)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Folder,
        };
        string[] args =
        [
            "--conf-path=" + conf, "--enable-rpc", "--rpc-listen-all=false", $"--rpc-listen-port={port}", "--rpc-save-upload-metadata=false",
            "--rpc-max-request-size=16M",
            $"--stop-with-process={Environment.ProcessId}", // aria2 ends itself when Hub is killed (even with -9)
            "--continue=true", "--auto-save-interval=5", "--auto-file-renaming=false", "--allow-overwrite=false", "--file-allocation=none",
            "--bt-enable-lpd=false", // local peer discovery multicasts on the LAN: never asked for
            $"--enable-dht={(t.Dht ? "true" : "false")}", "--enable-dht6=false", $"--dht-file-path={Path.Combine(Folder, "dht.dat")}",
            "--bt-save-metadata=true", "--bt-remove-unselected-file=true", "--follow-torrent=mem",
            "--summary-interval=0", "--console-log-level=warn", "--show-console-readout=false", "--quiet=false",
        ];
        foreach (var a in args) start.ArgumentList.Add(a);
        if (t.ListenPort > 0) start.ArgumentList.Add($"--listen-port={t.ListenPort}");
        if (!string.IsNullOrWhiteSpace(t.Interface)) start.ArgumentList.Add("--interface=" + t.Interface);
        if (!t.Dht && !string.IsNullOrWhiteSpace(t.Interface) && IPAddress.TryParse(t.Interface, out var bind) && IPAddress.IsLoopback(bind))
        {
            start.ArgumentList.Add("--disable-ipv6=true");
        }
        foreach (var (k, v) in proxy.ToolEnvironment) start.Environment[k] = v;

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Aria2UnavailableException("aria2c did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new Aria2UnavailableException($"aria2c was not found ('{options.Value.Tools.Aria2c}'); install the aria2 package or set Hub:Tools:Aria2c.", ex);
        }
        process.OutputDataReceived += (_, e) => { if (!string.IsNullOrWhiteSpace(e.Data)) logger.LogDebug("aria2: {Line}", e.Data); };
        process.ErrorDataReceived += (_, e) => { if (!string.IsNullOrWhiteSpace(e.Data)) logger.LogWarning("aria2: {Line}", e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await File.WriteAllTextAsync(Path.Combine(Folder, "aria2.pid"), process.Id.ToString(CultureInfo.InvariantCulture), ct).ConfigureAwait(false);

        var rpc = new Aria2Rpc(_http, new Uri($"http://127.0.0.1:{port}/jsonrpc"), secret);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var version = await rpc.GetVersionAsync(ct).ConfigureAwait(false);
                Interlocked.Increment(ref _starts);
                logger.LogInformation("aria2 {Version} started (pid {Pid}, RPC on 127.0.0.1:{Port})", version, process.Id, port);
                _process = process;
                return _rpc = rpc;
            }
            catch (Aria2UnavailableException) when (!process.HasExited && deadline.Elapsed < StartTimeout)
            {
                await Task.Delay(50, ct).ConfigureAwait(false);
            }
            catch (Aria2UnavailableException ex)
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                throw new Aria2UnavailableException($"aria2 did not start: {(process.HasExited ? $"it exited with code {process.ExitCode}" : ex.Message)}", ex);
            }
        }
    }

    /// <summary>An aria2 left by a Hub that was killed before it could stop it (it ends itself within a second, but may still write).</summary>
    private void KillOrphan()
    {
        var pidFile = Path.Combine(Folder, "aria2.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile), out var pid))
        {
            return;
        }
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            if (cmdline.Contains("--conf-path=" + Path.Combine(Folder, "aria2.conf"), StringComparison.Ordinal))
            {
                using var orphan = Process.GetProcessById(pid);
                orphan.Kill();
                orphan.WaitForExit(TimeSpan.FromSeconds(5));
                logger.LogInformation("Stopped an aria2 (pid {Pid}) left by an earlier run", pid);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            // Gone already, or not ours.
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>For containers disposed synchronously: the same as <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (_process is { } p)
        {
            try
            {
                if (!p.HasExited)
                {
                    // aria2's own shutdown takes seconds (it says goodbye to trackers); its control files are written as it goes.
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
            {
                logger.LogWarning("aria2 did not stop: {Error}", ex.Message);
            }
            p.Dispose();
            _process = null;
        }
        _http.Dispose();
        _gate.Dispose();
    }
}
