using Hub.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hub.Host.Cli;

/// <summary><c>hub worker</c>: runs queued jobs only (no web server), for more processes or machines on one database.</summary>
public static class WorkerCommand
{
    public static async Task<int> RunAsync(CliArgs args)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args.Passthrough.ToArray(),
            ContentRootPath = HubHost.ContentRoot,
        });
        builder.Services.AddHubDomain(builder.Configuration);
        builder.Services.AddHubWorkers();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        using var host = builder.Build();
        await host.RunAsync();
        return 0;
    }
}
