using System.Security.Claims;
using Hub.Domain.Access;

namespace Hub.Web.Auth;

public static class RequesterClaims
{
    /// <summary>The authenticated bearer-token caller as the domain's <see cref="Requester"/> (keyed on the token id).</summary>
    public static Requester ToRequester(this ClaimsPrincipal user) => new(
        Requester.TokenPrefix + (user.FindFirstValue(BearerTokenHandler.TokenIdClaim) ?? throw new InvalidOperationException("No token id on an authenticated caller.")),
        user.Identity?.Name ?? "",
        user.IsInRole(Roles.Admin));
}
