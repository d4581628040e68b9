using System.Security.Claims;

namespace Hub.Domain.Access;

/// <summary>
/// A <see cref="Requester"/> as an ASP.NET Core <see cref="ClaimsPrincipal"/> and back, with the standard claim types
/// only: the key as <see cref="ClaimTypes.NameIdentifier"/> (what the MCP SDK keys sessions on), the name, and the role
/// (what <c>[Authorize(Roles = ...)]</c> checks). Every door that authenticates someone builds its principal here, so
/// reading one back gives the same requester whichever door made it.
/// </summary>
public static class RequesterPrincipal
{
    public static ClaimsPrincipal Create(Requester requester, string authenticationType, params Claim[] extra) =>
        new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, requester.Key),
            new Claim(ClaimTypes.Name, requester.Name),
            new Claim(ClaimTypes.Role, requester.IsAdmin ? Roles.Admin : Roles.User),
            .. extra,
        ], authenticationType, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>The requester an authenticated principal stands for.</summary>
    public static Requester Read(ClaimsPrincipal user) => new(
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("No requester key on an authenticated caller."),
        user.Identity?.Name ?? "",
        user.IsInRole(Roles.Admin));
}
