using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

namespace Hub.Mcp;

/// <summary>MCP over stdin/stdout for <c>hub mcp</c>: one session, one caller (the local user), until the client closes stdin.</summary>
public static class McpStdio
{
    public static async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<McpCatalog>();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var caller = McpCaller.ForStdio(catalog.Options.StdioRole);
        await using var transport = new StdioServerTransport("hub", loggers);
        await using var server = McpServer.Create(transport, catalog.CreateServerOptions(caller), loggers, services);
        await server.RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
