using System.Collections.Concurrent;
using Hub.Domain.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Server;

namespace Hub.Mcp;

/// <summary>
/// Stateful HTTP only: at most <c>Hub:Mcp:MaxSessionsPerToken</c> open sessions per token, so one token cannot fill the
/// process with sessions (the SDK caps idle sessions for the whole process, not per caller). A session counts from its
/// creation until the SDK closes it (DELETE, or <c>Hub:Mcp:SessionIdleTimeout</c>); a new one past the cap is 429.
/// </summary>
public sealed class McpSessionCap(IOptions<McpOptions> options)
{
    private const string KeyItem = "hub:mcp-session-owner";
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    public void Configure(HttpServerTransportOptions http)
    {
        http.ConfigureSessionOptions = (context, _, _) =>
        {
            var key = RequesterPrincipal.Read(context.User).Key;
            if (!TryReserve(key))
            {
                throw new TooManySessionsException(options.Value.MaxSessionsPerToken);
            }
            context.Items[KeyItem] = key;
            return Task.CompletedTask;
        };
#pragma warning disable MCPEXP002 // the SDK's hook around a session's life: the only place that sees a session end
        http.RunSessionHandler = async (context, server, cancellationToken) =>
        {
            var key = (string)context.Items[KeyItem]!;
            try
            {
                await server.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _open.AddOrUpdate(key, 0, (_, n) => Math.Max(0, n - 1));
            }
        };
#pragma warning restore MCPEXP002
    }

    public int OpenSessions(string key) => _open.TryGetValue(key, out var n) ? n : 0;

    private bool TryReserve(string key)
    {
        while (true)
        {
            var current = OpenSessions(key);
            if (current >= options.Value.MaxSessionsPerToken)
            {
                return false;
            }
            if (current == 0 ? _open.TryAdd(key, 1) || _open.TryUpdate(key, 1, 0) : _open.TryUpdate(key, current + 1, current))
            {
                return true;
            }
        }
    }
}

public sealed class TooManySessionsException(int cap)
    : Exception($"Too Many Requests: this token already holds {cap} open MCP sessions (Hub:Mcp:MaxSessionsPerToken); end one with DELETE or let it expire.");
