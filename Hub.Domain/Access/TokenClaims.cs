using System.Security.Claims;

namespace Hub.Domain.Access;

/// <summary>The API token behind an authenticated caller (REST, MCP over HTTP), as the bearer handler records it.</summary>
public static class TokenClaims
{
    public const string TokenId = "hub:token_id";

    /// <summary>The caller's token id; null for callers without one (the console, stdio MCP).</summary>
    public static Guid? TokenIdOf(ClaimsPrincipal? user) =>
        Guid.TryParse(user?.FindFirstValue(TokenId), out var id) ? id : null;
}
