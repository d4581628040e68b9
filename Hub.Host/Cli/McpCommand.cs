using Hub.Domain;
using Hub.Mcp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Host.Cli;

/// <summary>
/// <c>hub mcp</c>: MCP over stdio for Claude Desktop and other local clients. stdout carries the protocol only; every
/// log line goes to stderr. Same configuration as <c>hub serve</c>: with the embedded database it attaches to the
/// private cluster when <c>hub serve</c> runs, or starts it (and stops it on exit). Acts as the local user with
/// <c>Hub:Mcp:StdioRole</c> (admin by default). Unless <c>Hub:Mcp:StdioWorkers=false</c>, it runs job workers in-process,
/// so imports it starts complete without <c>hub serve</c>; with <c>hub serve</c> running both share the queue safely, and
/// a job interrupted when the client closes <c>hub mcp</c> is picked up again by a worker once its lease expires.
/// </summary>
public static class McpCommand
{
    public static async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args.Passthrough.ToArray(),
            ContentRootPath = HubHost.ContentRoot,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddHubDomain(builder.Configuration);
        // The SDK's stdio host reads stdin until the client closes it, then stops the application.
        builder.Services.AddHubMcpStdio(builder.Configuration);
        if (builder.Configuration.GetValue("Hub:Mcp:StdioWorkers", true))
        {
            builder.Services.AddHubWorkers();
        }
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        using var host = builder.Build();
        try
        {
            await host.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        return 0;
    }
}
