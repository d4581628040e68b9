using Hub.Domain;
using Hub.Domain.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Host.Cli;

/// <summary>Shared set-up for commands that need the database but not the web server.</summary>
public static class HubHost
{
    /// <summary>Reads appsettings.json next to the program, so `hub` works from any folder.</summary>
    public static string ContentRoot => AppContext.BaseDirectory;

    public static IHost BuildDomainHost(IEnumerable<string> configArgs)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = configArgs.ToArray(),
            ContentRootPath = ContentRoot,
        });
        // Command output goes to stdout; logs go to stderr and stay quiet unless something is wrong.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            ["Logging:LogLevel:Hub"] = "Warning",
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddHubDomain(builder.Configuration);
        return builder.Build();
    }

    /// <summary>Starts the database of a command host, runs the action, stops the database (if this process started it).</summary>
    public static async Task<int> WithDatabaseAsync(IEnumerable<string> configArgs, Func<IServiceProvider, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        using var host = BuildDomainHost(configArgs);
        var db = host.Services.GetRequiredService<HubDatabase>();
        await db.StartAsync(cancellationToken);
        try
        {
            return await action(host.Services, cancellationToken);
        }
        finally
        {
            await db.StopAsync(CancellationToken.None);
        }
    }
}
