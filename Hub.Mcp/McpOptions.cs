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
}
