using Microsoft.Extensions.Hosting;

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
        using var host = HubHost.Build(HubRole.Mcp, args.Passthrough);
        await HubHost.StartAsync(host, cancellationToken);
        // Ends when the client closes stdin (the SDK's transport stops the application) or on Ctrl+C; then stops the host.
        await host.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}
