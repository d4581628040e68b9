using Hub.Domain.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Tokens;

/// <param name="OwnerKey">For a paired browser's token, the person it acts for (<c>token:&lt;id&gt;</c>); null for a token of its own.</param>
public sealed record TokenDto(Guid Id, string Name, string Role, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, string? OwnerKey = null);

public sealed record CreateTokenRequest(string? Name, string? Role);

/// <summary>The secret is in this reply only; Hub keeps just its hash.</summary>
public sealed record CreatedTokenDto(TokenDto Token, string Secret);

/// <summary><c>/api/v1/tokens</c> (admin): create, list, revoke API tokens.</summary>
public static class TokensApi
{
    public static RouteGroupBuilder MapTokens(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/tokens").RequireAuthorization(HubWebServiceCollectionExtensions.AdminPolicy).WithTags("Tokens");
        g.MapGet("/", ListTokens).WithName("ListTokens").WithSummary("List API tokens (secrets are never shown again).");
        g.MapPost("/", CreateToken).WithName("CreateToken").WithSummary("Create a token; the reply holds its secret, once.");
        g.MapDelete("/{id:guid}", RevokeToken).WithName("RevokeToken").WithSummary("Revoke a token.");
        return api;
    }

    private static async Task<Ok<List<TokenDto>>> ListTokens(TokenService tokens, bool? includeRevoked, CancellationToken ct) =>
        TypedResults.Ok((await tokens.ListAsync(includeRevoked ?? false, ct)).Select(ToDto).ToList());

    private static async Task<Created<CreatedTokenDto>> CreateToken(CreateTokenRequest body, TokenService tokens, CancellationToken ct)
    {
        var created = await tokens.CreateAsync(body.Name ?? "", body.Role ?? Roles.User, ct);
        return TypedResults.Created($"/api/v1/tokens/{created.Token.Id}", new CreatedTokenDto(ToDto(created.Token), created.Secret));
    }

    private static async Task<Ok<TokenDto>> RevokeToken(Guid id, TokenService tokens, CancellationToken ct) =>
        TypedResults.Ok(ToDto(await tokens.RevokeAsync(id.ToString(), ct)));

    public static TokenDto ToDto(ApiToken t) => new(t.Id, t.Name, t.Role, t.Prefix, t.CreatedAt, t.LastUsedAt, t.RevokedAt, t.OwnerKey);
}
