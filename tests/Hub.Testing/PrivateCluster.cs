using System.Diagnostics;
using Hub.Domain.Processes;
using Hub.Domain.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Hub.Testing;

/// <summary>
/// A PostgreSQL cluster of one test's own (same code as Hub's embedded default), for outages: stop it with
/// <c>pg_ctl -m immediate</c>, kill its postmaster, start it again on the same socket. The shared cluster of
/// <see cref="TestPostgres"/> must never be treated like this.
/// </summary>
public sealed class PrivateCluster : IAsyncDisposable
{
    private PrivateCluster(EmbeddedPostgres server) => Server = server;

    public EmbeddedPostgres Server { get; }
    public const string Database = "hub";

    public string ConnectionString => Server.ConnectionString(Database);

    public static async Task<PrivateCluster> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "hub-private-pg-" + Guid.NewGuid().ToString("N")[..10]);
        var server = new EmbeddedPostgres(root, TestPostgres.Runner, NullLogger.Instance, new EmbeddedPostgresSettings { Fast = true });
        await server.StartAsync(CancellationToken.None).ConfigureAwait(false);
        await HubDatabase.EnsureDatabaseAsync(server.ConnectionString("postgres"), Database, CancellationToken.None).ConfigureAwait(false);
        return new PrivateCluster(server);
    }

    /// <summary>The postmaster's pid, from postmaster.pid.</summary>
    public int PostmasterPid => int.Parse(File.ReadLines(Path.Combine(Server.ClusterDir, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An outage as a crash looks: <c>pg_ctl stop -m immediate</c> (no shutdown checkpoint, connections cut).</summary>
    public Task StopImmediatelyAsync() => PgCtlAsync("-D", Server.ClusterDir, "-m", "immediate", "-w", "-t", "60", "stop");

    /// <summary>SIGKILL to the postmaster; its backends notice and exit by themselves.</summary>
    public void KillPostmaster()
    {
        using var postmaster = Process.GetProcessById(PostmasterPid);
        postmaster.Kill();
        postmaster.WaitForExit(10_000);
    }

    /// <summary>Starts it again on the same socket and port, so connection strings handed out stay valid.</summary>
    public Task StartAgainAsync() => Server.RestartAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await PgCtlAsync("-D", Server.ClusterDir, "-m", "immediate", "-w", "-t", "60", "stop").ConfigureAwait(false);
        }
        catch (ProcessFailedException)
        {
            // Already stopped.
        }
        try
        {
            Directory.Delete(Server.RootDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task PgCtlAsync(params string[] args)
    {
        var pgCtl = Path.Combine(EmbeddedPostgres.FindBinDir(null), "pg_ctl");
        var spec = EmbeddedPostgres.IsRoot
            ? new ProcessSpec("runuser", ["-u", "postgres", "--", pgCtl, .. args])
            : new ProcessSpec(pgCtl, args);
        var result = await TestPostgres.Runner.RunAsync(spec with { Timeout = TimeSpan.FromSeconds(90) }, CancellationToken.None).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new ProcessFailedException("pg_ctl", result);
        }
    }
}
