using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hub.Testing;

/// <summary>The real <c>hub</c> program as a child process (dotnet hub.dll), for CLI and crash tests.</summary>
public sealed partial class HubProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private HubProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static string HubDll => Path.Combine(AppContext.BaseDirectory, "hub.dll");

    public int Pid => _process.Id;
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public static HubProcess Start(IEnumerable<string> args, IDictionary<string, string?>? env = null, string? workingDirectory = null) =>
        StartProgram("dotnet", [HubDll, .. args], env, workingDirectory);

    /// <summary>Any program (such as <c>./hub.sh run</c>) with Hub's test environment, in <paramref name="workingDirectory"/>.</summary>
    public static HubProcess StartProgram(string file, IEnumerable<string> args, IDictionary<string, string?>? env, string? workingDirectory)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        // Keep the parent's test settings from leaking in, then apply the child's own.
        psi.Environment.Remove("ConnectionStrings__Hub");
        psi.Environment.Remove("HUB_DATABASE");
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // The weekly yt-dlp check would reach for the release server if a run spans its hour: never in tests.
        psi.Environment["Hub__ToolUpdates__Scheduled"] = "false";
        foreach (var (k, v) in env ?? new Dictionary<string, string?>())
        {
            if (v is null) psi.Environment.Remove(k); else psi.Environment[k] = v;
        }
        return new HubProcess(Process.Start(psi)!);
    }

    /// <summary>Runs a command to completion.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, IDictionary<string, string?>? env = null, TimeSpan? timeout = null,
        string? workingDirectory = null)
    {
        await using var p = Start(args, env, workingDirectory);
        await p.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(90));
        return (p.ExitCode, p.Stdout, p.Stderr);
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"hub did not exit within {timeout}. stdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        _process.WaitForExit(); // flush the async output readers
    }

    /// <summary>Sends SIGTERM (what systemd and docker stop send).</summary>
    public void Terminate() => Signal(15);

    /// <summary>SIGKILL: the crash case; nothing gets to clean up.</summary>
    public void Kill() => _process.Kill(entireProcessTree: false);

    public void Signal(int signal)
    {
        if (!_process.HasExited)
        {
            _ = kill(_process.Id, signal);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public async Task<string> WaitForOutputAsync(string fragment, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (Stdout.Contains(fragment, StringComparison.Ordinal) || Stderr.Contains(fragment, StringComparison.Ordinal))
            {
                return Stdout;
            }
            if (_process.HasExited)
            {
                break;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"'{fragment}' did not appear. stdout:\n{Stdout}\nstderr:\n{Stderr}");
    }

    /// <summary>
    /// The admin token of a first start. The start message arrives line by line: "Admin token" comes two lines before
    /// the secret, so waiting for that fragment alone may read the output before the secret's line is in.
    /// </summary>
    public async Task<string> WaitForAdminTokenAsync(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (AdminTokenLine().Match(Stdout) is { Success: true } m)
            {
                return m.Value;
            }
            if (_process.HasExited)
            {
                break;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No admin token appeared. stdout:\n{Stdout}\nstderr:\n{Stderr}");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"hub_[A-Za-z0-9_\-]{20,}")]
    private static partial System.Text.RegularExpressions.Regex AdminTokenLine();

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Terminate();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
        await Task.CompletedTask;
    }
}
