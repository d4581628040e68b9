namespace Hub.Host.Cli;

/// <summary>The kinds of process <c>hub</c> runs; <see cref="HubHost"/> builds each from Program's composition.</summary>
public enum HubRole
{
    /// <summary><c>hub serve</c>: web API and admin, bot, MCP over HTTP, workers, scheduler.</summary>
    Serve,
    /// <summary><c>hub worker</c>: workers and scheduler only.</summary>
    Worker,
    /// <summary><c>hub mcp</c>: MCP over stdio, with workers unless <c>Hub:Mcp:StdioWorkers=false</c>.</summary>
    Mcp,
    /// <summary>Admin commands (<c>migrate</c>, <c>token</c>, <c>import</c>, …): the domain services only.</summary>
    Command,
}
