using Hub.Domain.Access;

namespace Hub.Mcp;

/// <summary>What a caller may do over MCP; every tool declares the level it needs with <see cref="ToolAccessAttribute"/>.</summary>
public enum McpAccess
{
    /// <summary>Read the library, jobs, playlists and statistics; probe and search.</summary>
    Read = 0,

    /// <summary>Also import, cancel one's own jobs, create and fill playlists.</summary>
    Write = 1,

    /// <summary>Everything: every job, the review inbox, deletions.</summary>
    Admin = 2,
}

[AttributeUsage(AttributeTargets.Method)]
public sealed class ToolAccessAttribute(McpAccess access) : Attribute
{
    public McpAccess Access { get; } = access;
}

/// <summary>
/// Who is calling over MCP. Jobs record their requester as <see cref="RequesterKey"/> — <c>token:{id}</c> for HTTP
/// callers, the same key the REST API uses, so a token sees the same jobs through both doors.
/// </summary>
public sealed record McpCaller(string RequesterKey, string Name, McpAccess Access)
{
    public const string ItemKey = "hub:caller";

    public bool IsAdmin => Access == McpAccess.Admin;

    /// <summary>Admins see every job; others see only those they requested.</summary>
    public string? OwnerFilter => IsAdmin ? null : RequesterKey;

    public bool CanSee(string? requestedBy) => IsAdmin || requestedBy == RequesterKey;

    public static McpCaller ForToken(ApiToken token, bool userTokensReadOnly) => new(
        "token:" + token.Id,
        token.Name,
        token.Role == Roles.Admin ? McpAccess.Admin : userTokensReadOnly ? McpAccess.Read : McpAccess.Write);

    /// <summary>The local user running <c>hub mcp</c>.</summary>
    public static McpCaller ForStdio(string role) => new(
        "mcp:stdio",
        "hub mcp (" + Environment.UserName + ")",
        role == Roles.Admin ? McpAccess.Admin : McpAccess.Write);
}
