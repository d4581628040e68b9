using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StreamBench;

/// <summary>The real <c>hub serve</c> (Kestrel, the production pipeline) as a child process on a given database.</summary>
internal sealed class HubServer(Process process, int port, string token) : IDisposable
{
    public int Port => port;
    public int ProcessId => process.Id;
    public string Token => token;

    public static async Task<HubServer> StartAsync(string connectionString, string dataDir, params string[] extraArgs)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[Environment.GetEnvironmentVariable("BENCH_HUB_DLL") ?? Path.Combine(AppContext.BaseDirectory, "hub.dll"), "serve", $"--urls=http://127.0.0.1:{port}",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information", .. extraArgs])
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["ConnectionStrings__Hub"] = connectionString;
        psi.Environment["Hub__DataDir"] = dataDir;
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("hub did not start");
        var output = new StringBuilder();
        var tokenSource = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (e.Data.Trim().StartsWith("hub_", StringComparison.Ordinal)) tokenSource.TrySetResult(e.Data.Trim());
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var done = await Task.WhenAny(tokenSource.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        if (done != tokenSource.Task)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("hub serve did not print its first admin token:\n" + output);
        }
        return new HubServer(process, port, await tokenSource.Task);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        process.Dispose();
    }
}
