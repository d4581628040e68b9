using Hub.Domain.Access;
using Hub.Domain.Engines;
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
using Hub.Domain.Scanning;
using Hub.Domain.Stats;
using Hub.Domain.Storage;
using Hub.Domain.Engines.Torrent;
using Hub.Domain.Tools;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Domain;

public static class HubDomainServiceCollectionExtensions
{
    public static IServiceCollection AddHubDomain(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HubOptions>().Bind(configuration.GetSection(HubOptions.Section)).ValidateDataAnnotations()
            .Validate(o => !o.YtDlp.Validate().Any(), "Hub:YtDlp is invalid (timeouts must be positive, rates like 500K or 5M)")
            .Validate(o => !o.Archives.Validate().Any(), "Hub:Archives is invalid (caps must be positive, MaxRatio at least 1)")
            .Validate(o => !o.Uploads.Validate().Any(), "Hub:Uploads is invalid (MaxBytes and ResumableLifetime must be positive, ChunkBytes at least 64 KiB)")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<HubOptions>, NetworkOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ProcessRunner>();
        services.AddSingleton<ToolVersions>();
        services.AddHubTools(configuration);

        // Storage: the database starts (and migrates) in the host's Starting phase, before any hosted service starts,
        // and stops after all have stopped; the data source and the context factory are ordinary singletons on it.
        services.AddSingleton<HubDatabase>();
        services.AddSingleton(sp => sp.GetRequiredService<HubDatabase>().DataSource);
        // Pooled: a context per bot update, MCP call or job step is the norm, and building each one's scoped services
        // showed as ~6% of the CPU of the bot and MCP benchmarks; a pooled context is reset and handed out again.
        services.AddPooledDbContextFactory<HubDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>(), npgsql => npgsql.CommandTimeout(60)));
        services.AddHostedService<DatabaseHostedService>();
        services.AddSingleton<CacheInvalidation>();
        services.AddSingleton<DatabaseSupervisor>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseSupervisor>());

        // Access
        services.AddSingleton<TokenService>();
        services.AddSingleton<ContactService>();
        services.AddSingleton<Pairing.PairingService>();
        services.AddSingleton<ContactBlocking>();
        services.AddSingleton<InteractionLog>();
        services.AddSingleton<TelegramSettingsStore>();
        services.AddSingleton<PersonalSettingsStore>();

        // Jobs: the durable queue and its live updates (every process), workers added by AddHubWorkers.
        services.AddOptions<JobOptions>().Bind(configuration.GetSection("Hub:Jobs")).ValidateOnStart();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobDeleter>();
        services.AddSingleton<JobUpdates>();
        services.AddSingleton<JobSignals>();
        services.AddSingleton<JobFollower>();
        services.AddSingleton<JobAccess>();
        services.AddSingleton<JobBroadcaster>();
        services.AddHostedService(sp => sp.GetRequiredService<JobBroadcaster>());
        services.AddSingleton<JobNotificationListener>();
        services.AddHostedService(sp => sp.GetRequiredService<JobNotificationListener>());

        // Net: every outbound fetch of a user-given URL goes through the guard.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<HubOptions>>().Value.Network);
        services.AddSingleton<IHostResolver, SystemHostResolver>();
        services.AddSingleton<UrlGuard>();
        services.AddSingleton<GuardedHttp>();
        // yt-dlp and aria2 reach the network only through this proxy, which applies the same guard.
        services.AddSingleton<EgressProxy>();

        // Engines and probers, asked in this order (first that takes the source wins); uploads take over a file instead.
        services.AddSingleton<PartFileOpener>(PartFiles.Open); // the HTTP engine's temp files (a seam for disk-full tests)
        services.AddSingleton<YtDlpClient>();
        services.AddSingleton<ISourceProber, HttpProbe>();
        services.AddSingleton<ISourceProber, YtDlpProber>();
        services.AddSingleton<IDownloadEngine, HttpDownloadEngine>();
        services.AddSingleton<IDownloadEngine, YtDlpEngine>();
        // Torrents: magnet links are probed without a request; aria2 (started on first use) downloads them and .torrent files.
        services.AddSingleton<ISourceProber, MagnetProber>();
        services.AddSingleton<Aria2Daemon>();
        services.AddSingleton<TrackerGuard>();
        services.AddSingleton<TorrentEngine>();
        services.AddSingleton<IDownloadEngine>(sp => sp.GetRequiredService<TorrentEngine>());
        services.AddSingleton<EngineRegistry>();
        services.AddSingleton<UploadEngine>();
        services.AddSingleton<FfprobeClient>();
        services.AddSingleton<ThumbnailExtractor>();
        services.AddSingleton<MediaServerFiles>();
        services.AddSingleton<PendingThumbnails>();
        services.AddSingleton<SubtitleFiles>();
        services.AddSingleton<SubtitleSearch>();
        services.AddSingleton<Notifications.DiskSpaceWatch>();
        services.AddSingleton<AudioExtractor>();
        services.AddSingleton<ClipCutter>();

        // Libraries and imports
        services.AddSingleton<LibraryService>();
        services.AddSingleton<FilePlacer>();
        services.AddMemoryCache();
        services.AddSingleton<ImportService>();
        services.AddSingleton<ResumableUploadStore>();
        services.AddSingleton<BatchImport>();
        services.AddSingleton<LocalFileSet>();
        services.AddSingleton<ArchiveImport>();

        // The library scanner: on demand, on a schedule (Program.Schedule), and by watching folders (workers only).
        services.AddOptions<ScannerOptions>().Bind(configuration.GetSection("Hub:Scanner")).ValidateOnStart();
        services.AddSingleton<LibraryScanner>();
        services.AddSingleton<ScanService>();
        services.AddTransient<ScheduledLibraryScan>();
        services.AddSingleton<BatchPreflight>();
        services.AddSingleton<ProbePreviews>();
        services.AddHostedService<LibraryDefaultsService>();

        // Entries, playlists, signed links, statistics (stream events are written in batches in the background)
        services.AddSingleton<EntryService>();
        services.AddSingleton<EntryMover>();
        services.AddSingleton<PlaylistService>();
        services.AddSingleton<PublicAddress>();
        services.AddSingleton<SignedLinks>();
        services.AddHostedService<SignedLinksKeyLoader>();
        services.AddSingleton<StatsService>();
        services.AddSingleton<StreamEventRecorder>();
        services.AddSingleton<Notifications.WebhookService>();
        // Subscriptions: checked by a job per due subscription, enqueued every minute (Program.Schedule).
        services.AddSingleton<Subscriptions.SubscriptionService>();
        services.AddSingleton<Subscriptions.SourceReader>();
        services.AddSingleton<Subscriptions.SubscriptionRetention>();
        services.AddSingleton<Subscriptions.SubscriptionEvents>();
        services.AddSingleton<Subscriptions.SubscriptionChecker>();
        services.AddTransient<Subscriptions.ScheduledSubscriptionChecks>();
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
        services.AddSingleton<IJobHandler, ToolUpdateHandler>();
        // Webhooks: job events become durable deliveries, sent by the notify queue.
        services.AddSingleton<IJobHandler, Notifications.WebhookDeliveryHandler>();
        services.AddHostedService<Notifications.WebhookPublisher>();
        services.AddSingleton<IJobHandler, LibraryScanHandler>();
        services.AddSingleton<IJobHandler, ThumbnailHandler>();
        services.AddSingleton<IJobHandler, Subscriptions.SubscriptionCheckHandler>();
        services.AddSingleton<LibraryWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<LibraryWatcher>());
        services.AddSingleton<JobWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<JobWorker>());
        return services;
    }
}
