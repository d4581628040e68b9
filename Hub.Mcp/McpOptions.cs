using Hub.Domain.Access;

namespace Hub.Mcp;

/// <summary>The <c>Hub:Mcp</c> configuration section.</summary>
public sealed class McpOptions
{
    public const string Section = "Hub:Mcp";

    /// <summary>
    /// Browser origins allowed to call <c>/mcp</c> (exact, e.g. <c>https://claude.ai</c>). A request that carries an
    /// <c>Origin</c> header not in this list is refused with 403 (DNS-rebinding protection); requests without one
    /// (desktop clients, bridges) are not affected.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>The role <c>hub mcp</c> (stdio) acts with: the OS user who can run it owns the data, so admin by default.</summary>
    public string StdioRole { get; set; } = Roles.Admin;

    /// <summary>When true, <c>user</c> tokens get the read tools only (no imports, cancels or playlist changes).</summary>
    public bool UserTokensReadOnly { get; set; }

    /// <summary>Whether <c>hub mcp</c> runs job workers in-process, so imports it starts complete even without <c>hub serve</c>.</summary>
    public bool StdioWorkers { get; set; } = true;

    /// <summary>Largest JSON-RPC request body accepted over HTTP.</summary>
    public int MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// <c>stateless</c> (default): every POST is answered on its own, nothing is kept between requests, any Hub process
    /// behind a load balancer can answer. <c>stateful</c>: sessions with an id and a GET stream for server notifications,
    /// kept in this process (measured against stateless in bench/McpBench; see MCP_SETUP.md).
    /// </summary>
    public string HttpSessions { get; set; } = Stateless;

    /// <summary>Stateful only: a session with no request for this long is closed.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Stateful only: open sessions one token may hold; its oldest idle one is closed to make room.</summary>
    public int MaxSessionsPerToken { get; set; } = 10;

    public const string Stateless = "stateless";
    public const string Stateful = "stateful";
}
