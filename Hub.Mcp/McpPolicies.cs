using System.Security.Claims;
using Hub.Domain.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace Hub.Mcp;

/// <summary>
/// Who may call which tool, as ASP.NET Core authorization that the SDK's filters evaluate on each tool's attributes:
/// read tools carry <c>[Authorize]</c>, admin tools <c>[Authorize(Roles = Roles.Admin)]</c>, and tools that change
/// something <c>[Authorize(Policy = McpPolicies.Write)]</c>. Tools a caller may not use are left out of tools/list.
/// </summary>
public static class McpPolicies
{
    /// <summary>Import, cancel, change playlists: admins, and users unless <c>Hub:Mcp:UserTokensReadOnly</c> holds for their token.</summary>
    public const string Write = "mcp-write";

    /// <summary>The key of the local user of <c>hub mcp</c>; the jobs it starts carry it.</summary>
    public const string StdioKey = "mcp:stdio";

    /// <summary>The person running <c>hub mcp</c>, with the configured role.</summary>
    public static ClaimsPrincipal Local(string role) =>
        RequesterPrincipal.Create(Requester.Local(StdioKey, "hub mcp (" + Environment.UserName + ")", role), "local");

    /// <summary>
    /// Makes every message of a server whose transport authenticates nobody (stdio, in-memory pipes) come from
    /// <paramref name="user"/>; over HTTP the SDK sets the bearer token's principal itself.
    /// </summary>
    public static void ActAs(McpServerOptions options, ClaimsPrincipal user) =>
        options.Filters.Message.IncomingFilters.Insert(0, next => (context, cancellationToken) =>
        {
            context.User = user;
            return next(context, cancellationToken);
        });
}

public sealed class McpWriteRequirement : IAuthorizationRequirement;

public sealed class McpWriteHandler(IOptions<McpOptions> options) : AuthorizationHandler<McpWriteRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, McpWriteRequirement requirement)
    {
        var user = context.User;
        var readOnlyToken = options.Value.UserTokensReadOnly
            && user.FindFirstValue(ClaimTypes.NameIdentifier)?.StartsWith(Requester.TokenPrefix, StringComparison.Ordinal) == true;
        if (user.IsInRole(Roles.Admin) || (user.IsInRole(Roles.User) && !readOnlyToken))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
