using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Domain.Tools;

public static class HubToolsServiceCollectionExtensions
{
    /// <summary>Hub's managed yt-dlp: the updater, its status and the Hub:ToolUpdates section.</summary>
    public static IServiceCollection AddHubTools(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ToolUpdateOptions>().Bind(configuration.GetSection(ToolUpdateOptions.Section))
            .Validate(o => !o.Validate().Any(), "Hub:ToolUpdates is invalid (channel stable|nightly|a release like 2025.12.08; absolute URLs; Asset a file name)")
            .ValidateOnStart();
        services.AddSingleton<ReleaseSignature>();
        services.AddSingleton<YtDlpUpdater>();
        services.AddSingleton<YtDlpStatusReader>();
        services.AddTransient<ScheduledToolUpdate>();
        return services;
    }
}
