using System.Security.Claims;
using Hub.Domain.Access;

namespace Hub.Web.Auth;

public static class RequesterClaims
{
    /// <summary>
    /// The authenticated bearer-token caller as the domain's <see cref="Requester"/>: keyed on the token id, or on its
    /// owner's for a paired token (<see cref="Requester.ForToken(ApiToken)"/>).
    /// </summary>
    public static Requester ToRequester(this ClaimsPrincipal user) => new(
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("No requester key on an authenticated caller."),
        user.Identity?.Name ?? "",
        user.IsInRole(Roles.Admin));
}
