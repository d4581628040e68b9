using Hub.Domain.Access;
using Hub.Domain.Engines.Http;
using Hub.Domain.Entries;
using Hub.Domain.Engines.Upload;
using Hub.Domain.Engines.YtDlp;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Domain.Maintenance;
using Hub.Domain.Media;
using Hub.Domain.Net;
using Hub.Domain.Playlists;
using Hub.Domain.Processes;
using Hub.Domain.Stats;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hub.Domain;

public static class HubDomainServiceCollectionExtensions
{
    public static IServiceCollection AddHubDomain(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HubOptions>().Bind(configuration.GetSection(HubOptions.Section)).ValidateDataAnnotations()
            .Validate(o => !o.YtDlp.Validate().Any(), "Hub:YtDlp is invalid (timeouts must be positive, rates like 500K or 5M)")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ProcessRunner>();
        services.AddSingleton<ToolVersions>();

        // Storage: the database starts first among hosted services, so it stops last.
        services.AddSingleton<HubDatabase>();
        services.AddHostedService<DatabaseHostedService>();
        services.AddSingleton<DatabaseSupervisor>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseSupervisor>());
        services.AddSingleton<IDbContextFactory<HubDbContext>, HubDbContextFactory>();

        // Access
        services.AddSingleton<TokenService>();
        services.AddSingleton<ContactService>();
        services.AddSingleton<InteractionLog>();
        services.AddSingleton<TelegramSettingsStore>();

        // Jobs: the durable queue and its live updates (every process), workers added by AddHubWorkers.
        services.AddOptions<JobOptions>().Bind(configuration.GetSection("Hub:Jobs")).ValidateOnStart();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobUpdates>();
        services.AddSingleton<JobSignals>();
        services.AddSingleton<JobBroadcaster>();
        services.AddHostedService(sp => sp.GetRequiredService<JobBroadcaster>());
        services.AddSingleton<JobNotificationListener>();
        services.AddHostedService(sp => sp.GetRequiredService<JobNotificationListener>());

        // Net: every outbound fetch of a user-given URL goes through the guard.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<HubOptions>>().Value.Network);
        services.AddSingleton<IHostResolver, SystemHostResolver>();
        services.AddSingleton<UrlGuard>();
        services.AddSingleton<GuardedHttp>();

        // Engines and media tools
        services.AddSingleton<PartFileOpener>(PartFiles.Open);
        services.AddSingleton<HttpDownloadEngine>();
        services.AddSingleton<HttpProbe>();
        services.AddSingleton<YtDlpClient>();
        services.AddSingleton<YtDlpEngine>();
        services.AddSingleton<UploadEngine>();
        services.AddSingleton<FfprobeClient>();
        services.AddSingleton<ThumbnailExtractor>();

        // Libraries and imports
        services.AddSingleton<LibraryService>();
        services.AddSingleton<FilePlacer>();
        services.AddMemoryCache();
        services.AddSingleton<ImportService>();
        services.AddSingleton<BatchImport>();
        services.AddHostedService<LibraryDefaultsService>();

        // Entries, playlists, signed links, statistics (stream events are written in batches in the background)
        services.AddSingleton<EntryService>();
        services.AddSingleton<PlaylistService>();
        services.AddSingleton<SignedLinks>();
        services.AddHostedService<SignedLinksKeyLoader>();
        services.AddSingleton<StatsService>();
        services.AddSingleton<StreamEventRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<StreamEventRecorder>());
        return services;
    }

    /// <summary>The workers that run queued jobs: `hub serve` and `hub worker` have them, `hub mcp` and admin commands not.</summary>
    public static IServiceCollection AddHubWorkers(this IServiceCollection services)
    {
        services.AddSingleton<IJobHandler, ProbeHandler>();
        services.AddSingleton<IJobHandler, DownloadHandler>();
        services.AddSingleton<IJobHandler, ParentJobHandler>();
        services.AddSingleton<MaintenanceHandler>();
        services.AddSingleton<IJobHandler>(sp => sp.GetRequiredService<MaintenanceHandler>());
        services.AddHostedService<MaintenanceScheduler>();
        services.AddSingleton<JobWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<JobWorker>());
        return services;
    }
}
