using Hub.Domain;
using Hub.Domain.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Testing;

/// <summary>
/// Another Hub process on the same database, the way `hub token revoke` or `hub contacts block` runs while `hub serve`
/// does: its own domain services (its own caches), no hosted services, so no LISTEN of its own.
/// </summary>
public static class OtherHubProcess
{
    public static async Task<ServiceProvider> StartAsync(string connectionString, string dataDir)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Hub"] = connectionString,
            ["Hub:DataDir"] = dataDir,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(config);
        services.AddHubDomain(config);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<HubDatabase>().StartAsync(CancellationToken.None);
        return provider;
    }
}
