using System.Security.Claims;
using Hub.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Me;

/// <param name="Key">The requester key jobs record for the caller (<c>requestedBy</c>): a paired browser's is its owner's.</param>
public sealed record MeDto(string Name, string Role, Guid? TokenId, string? Key = null);

public static class MeApi
{
    public static RouteGroupBuilder MapMe(this RouteGroupBuilder api)
    {
        api.MapGet("/me", GetMe).WithName("GetMe").WithSummary("Who the caller is: the token's name and role.");
        return api;
    }

    private static Ok<MeDto> GetMe(ClaimsPrincipal user) => TypedResults.Ok(new MeDto(
        user.Identity?.Name ?? "",
        user.FindFirstValue(ClaimTypes.Role) ?? "",
        Guid.TryParse(user.FindFirstValue(BearerTokenHandler.TokenIdClaim), out var id) ? id : null,
        user.FindFirstValue(ClaimTypes.NameIdentifier)));
}
