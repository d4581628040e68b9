using Hub.Domain.Access;
using Hub.Domain.Jobs;
using Hub.Domain.Processes;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hub.Domain;

public static class HubDomainServiceCollectionExtensions
{
    public static IServiceCollection AddHubDomain(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HubOptions>().Bind(configuration.GetSection(HubOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ProcessRunner>();
        services.AddSingleton<ToolVersions>();

        // Storage: the database starts first among hosted services, so it stops last.
        services.AddSingleton<HubDatabase>();
        services.AddHostedService<DatabaseHostedService>();
        services.AddDbContextFactory<HubDbContext>((sp, o) =>
            o.UseNpgsql(sp.GetRequiredService<HubDatabase>().DataSource, npgsql => npgsql.CommandTimeout(60)));

        // Access
        services.AddSingleton<TokenService>();

        // Jobs: the durable queue and its live updates (every process), workers added by AddHubWorkers.
        services.AddOptions<JobOptions>().Bind(configuration.GetSection("Hub:Jobs")).ValidateOnStart();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobUpdates>();
        services.AddSingleton<JobSignals>();
        services.AddSingleton<JobNotificationListener>();
        services.AddHostedService(sp => sp.GetRequiredService<JobNotificationListener>());
        return services;
    }

    /// <summary>The workers that run queued jobs: `hub serve` and `hub worker` have them, `hub mcp` and admin commands not.</summary>
    public static IServiceCollection AddHubWorkers(this IServiceCollection services)
    {
        services.AddSingleton<JobWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<JobWorker>());
        return services;
    }
}
