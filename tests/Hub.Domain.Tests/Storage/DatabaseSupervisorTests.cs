using System.Diagnostics;
using Hub.Domain.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Domain.Tests.Storage;

/// <summary>The private cluster Hub runs is restarted when its postmaster dies, and left stopped when Hub stops it.</summary>
public sealed class DatabaseSupervisorTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "hub-supervised-" + Guid.NewGuid().ToString("N")[..10]);
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hub:DataDir"] = _dataDir, // no connection string: Hub runs its own cluster under the data folder
            ["Hub:Database:SuperviseInterval"] = "00:00:00.3",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole());
        services.AddSingleton<IConfiguration>(config);
        services.AddHubDomain(config);
        _services = services.BuildServiceProvider();
        await Database.StartAsync(CancellationToken.None);
        await Supervisor.StartAsync(CancellationToken.None);
    }

    private HubDatabase Database => _services.GetRequiredService<HubDatabase>();
    private DatabaseSupervisor Supervisor => _services.GetRequiredService<DatabaseSupervisor>();

    public async Task DisposeAsync()
    {
        await Supervisor.StopAsync(CancellationToken.None);
        await _services.DisposeAsync(); // stops the cluster
        try { Directory.Delete(_dataDir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    [Fact]
    public async Task PostmasterKilled_IsRestarted_DataKept_AndStateReported()
    {
        var embedded = Database.Embedded!;
        Assert.True(embedded.OwnsServer);
        await ExecAsync("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before the crash')");
        var before = ReadPostmasterPid(embedded);

        using (var postmaster = Process.GetProcessById(before))
        {
            postmaster.Kill();
            await postmaster.WaitForExitAsync();
        }

        var status = await WaitForAsync(() => Supervisor.Status is { Restarts: 1, IsRunning: true } s ? s : null);
        Assert.Equal("embedded", status.Mode);
        Assert.NotNull(status.LastRestartAt);
        Assert.NotEqual(before, ReadPostmasterPid(embedded));
        // The same data source (and connection string) works again: the server came back on the same socket.
        var value = await WaitForAsync(async () =>
        {
            try { return await ScalarAsync("SELECT v FROM kept"); }
            catch (Npgsql.NpgsqlException) { return null; }
        });
        Assert.Equal("before the crash", value);
    }

    [Fact]
    public async Task CleanStop_IsNotTakenForACrash()
    {
        var embedded = Database.Embedded!;
        await WaitForAsync(() => Supervisor.Status.IsRunning ? Supervisor.Status : null); // it is watching
        await Database.StopAsync(CancellationToken.None); // the supervisor still runs

        await Task.Delay(TimeSpan.FromSeconds(2)); // several supervision rounds
        Assert.False(embedded.IsPostmasterAlive());
        Assert.Equal(0, Supervisor.Status.Restarts);
    }

    private static int ReadPostmasterPid(EmbeddedPostgres embedded) =>
        int.Parse(File.ReadLines(Path.Combine(embedded.ClusterDir, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    private async Task ExecAsync(string sql)
    {
        await using var cmd = Database.DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<string?> ScalarAsync(string sql)
    {
        await using var cmd = Database.DataSource.CreateCommand(sql);
        return (string?)await cmd.ExecuteScalarAsync();
    }

    private static Task<T> WaitForAsync<T>(Func<T?> probe) where T : class => WaitForAsync(() => Task.FromResult(probe()));

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            if (await probe() is { } found) return found;
            await Task.Delay(100);
        }
        throw new TimeoutException("the condition never held");
    }
}
