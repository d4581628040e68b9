using Hub.Domain;
using Hub.Domain.Storage;
using Hub.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Domain.Tests.Storage;

/// <summary>The private cluster Hub starts when no connection string is configured, end to end.</summary>
public sealed class EmbeddedPostgresTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hub-embedded-" + Guid.NewGuid().ToString("N")[..10]);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(_root, recursive: true); } catch (DirectoryNotFoundException) { }
        return Task.CompletedTask;
    }

    private EmbeddedPostgres NewCluster() => new(_root, TestPostgres.Runner, NullLogger.Instance, new EmbeddedPostgresSettings { Fast = true });

    [Fact]
    public async Task FirstStart_CreatesClusterOnSocketOnly_AndAcceptsConnections()
    {
        var pg = NewCluster();
        await pg.StartAsync(CancellationToken.None);
        try
        {
            Assert.True(File.Exists(Path.Combine(pg.ClusterDir, "PG_VERSION")));
            Assert.True(pg.OwnsServer);
            await using var conn = new NpgsqlConnection(pg.ConnectionString("postgres"));
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SHOW listen_addresses", conn);
            Assert.Equal("", (string?)await cmd.ExecuteScalarAsync()); // no TCP listener: the trust auth is socket-only
        }
        finally
        {
            await pg.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Restart_KeepsData()
    {
        var first = NewCluster();
        await first.StartAsync(CancellationToken.None);
        await HubDatabase.EnsureDatabaseAsync(first.ConnectionString("postgres"), "keep", CancellationToken.None);
        await using (var conn = new NpgsqlConnection(first.ConnectionString("keep")))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("CREATE TABLE t (v text); INSERT INTO t VALUES ('kept')", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        NpgsqlConnection.ClearAllPools();
        await first.StopAsync(CancellationToken.None);

        var second = NewCluster();
        await second.StartAsync(CancellationToken.None);
        try
        {
            await using var conn = new NpgsqlConnection(second.ConnectionString("keep"));
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT v FROM t", conn);
            Assert.Equal("kept", (string?)await cmd.ExecuteScalarAsync());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await second.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task SecondProcessWhileRunning_Attaches_AndLeavesServerRunningWhenItStops()
    {
        var owner = NewCluster();
        await owner.StartAsync(CancellationToken.None);
        try
        {
            var guest = NewCluster();
            await guest.StartAsync(CancellationToken.None);
            Assert.False(guest.OwnsServer);
            Assert.Equal(owner.Port, guest.Port);
            Assert.Equal(owner.SocketDir, guest.SocketDir);
            await guest.StopAsync(CancellationToken.None);

            await using var conn = new NpgsqlConnection(owner.ConnectionString("postgres"));
            await conn.OpenAsync(); // still up
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await owner.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task ServerLeftByAProcessThatDied_IsTakenOver_AndStoppedByTheNewOwner()
    {
        var first = NewCluster();
        await first.StartAsync(CancellationToken.None);
        var postmaster = int.Parse(File.ReadLines(Path.Combine(first.ClusterDir, "postmaster.pid")).First());
        // The owner record names another process, which then dies without stopping the server (as kill -9 of hub serve).
        using (var owner = System.Diagnostics.Process.Start("sleep", "30"))
        {
            var stat = File.ReadAllText($"/proc/{owner.Id}/stat");
            File.WriteAllText(Path.Combine(_root, "owner"), $"{owner.Id} {stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19]}\n");
            var second = NewCluster();
            Assert.False(second.OwnerIsGone()); // while it lives, another start only attaches
            owner.Kill();
            await owner.WaitForExitAsync();

            Assert.True(second.OwnerIsGone());
            await second.StartAsync(CancellationToken.None);
            Assert.True(second.OwnsServer);
            Assert.Equal($"{Environment.ProcessId}", File.ReadAllText(Path.Combine(_root, "owner")).Split(' ')[0]);

            NpgsqlConnection.ClearAllPools();
            await second.StopAsync(CancellationToken.None); // the new owner stops it, as its starter would have
        }
        Assert.False(ProcessInfo.IsAlive(postmaster));
        Assert.False(File.Exists(Path.Combine(_root, "owner")));
    }

    [Fact]
    public async Task Stop_LeavesNoServerProcess()
    {
        var pg = NewCluster();
        await pg.StartAsync(CancellationToken.None);
        var pid = int.Parse(File.ReadLines(Path.Combine(pg.ClusterDir, "postmaster.pid")).First());
        Assert.True(ProcessInfo.IsAlive(pid));

        await pg.StopAsync(CancellationToken.None);

        Assert.False(File.Exists(Path.Combine(pg.ClusterDir, "postmaster.pid")));
        Assert.False(ProcessInfo.IsAlive(pid));
    }

    [Fact]
    public void FindBinDir_WithWrongConfiguredFolder_SaysWhatIsMissing()
    {
        var ex = Assert.Throws<DatabaseUnavailableException>(() => EmbeddedPostgres.FindBinDir("/nonexistent/bin"));
        Assert.Contains("pg_ctl", ex.Message);
    }

    [Fact]
    public async Task HubDatabase_WithConnectionString_UsesThatServer_AndStartsNoCluster()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("override");
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Hub"] = connectionString }).Build();
        var options = Options.Create(new HubOptions { DataDir = _root });
        await using var db = new HubDatabase(config, options, TestPostgres.Runner, NullLoggerFactory.Instance);
        await db.StartAsync(CancellationToken.None);

        Assert.False(db.IsEmbedded);
        Assert.False(Directory.Exists(Path.Combine(_root, "postgres")));
        await using var cmd = db.DataSource.CreateCommand("SELECT count(*) FROM schema_migrations");
        Assert.True((long)(await cmd.ExecuteScalarAsync())! >= 1);
    }

    [Fact]
    public async Task HubDatabase_WithUnreachableServer_FailsWithClearMessage()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Hub"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=3",
        }).Build();
        await using var db = new HubDatabase(config, Options.Create(new HubOptions { DataDir = _root }), TestPostgres.Runner, NullLoggerFactory.Instance);
        var ex = await Assert.ThrowsAsync<DatabaseUnavailableException>(() => db.StartAsync(CancellationToken.None));
        Assert.Contains("127.0.0.1:1/none", ex.Message);
    }
}
