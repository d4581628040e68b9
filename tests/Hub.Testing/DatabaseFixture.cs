using Hub.Domain;
using Hub.Domain.Processes;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Hub.Testing;

/// <summary>
/// A class fixture: a fresh, migrated database for one test class, and a service provider with Hub's domain
/// services on it (no hosted services started), for tests below the web layer.
/// </summary>
public class DatabaseFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "hub-test-data-" + Guid.NewGuid().ToString("N")[..12]);
    public ServiceProvider Services { get; private set; } = null!;

    /// <summary>Extra configuration for the services (Hub:... keys).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        ConnectionString = await CreateDatabaseAsync();
        Directory.CreateDirectory(DataDir);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Hub"] = ConnectionString,
            ["Hub:DataDir"] = DataDir,
            ["Hub:ToolUpdates:Scheduled"] = "false", // never reach for the release server from a test
        }.Concat(Settings)).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole());
        services.AddSingleton<IConfiguration>(config);
        services.AddHubDomain(config);
        Configure(services);
        Services = services.BuildServiceProvider();
        await Services.GetRequiredService<HubDatabase>().StartAsync(CancellationToken.None);
    }

    /// <summary>A fresh database on the shared test cluster; override to use another server (e.g. a <see cref="PrivateCluster"/>).</summary>
    protected virtual Task<string> CreateDatabaseAsync() => TestPostgres.CreateDatabaseAsync(GetType().Name);

    protected virtual Task DropDatabaseAsync() => TestPostgres.DropDatabaseAsync(ConnectionString);

    protected virtual void Configure(IServiceCollection services)
    {
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public HubDbContext CreateDb() => Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContext();

    public virtual async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await DropDatabaseAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
