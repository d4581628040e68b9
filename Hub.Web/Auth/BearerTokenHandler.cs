using System.Security.Claims;
using System.Text.Encodings.Web;
using Hub.Domain.Access;
using Hub.Web.RateLimits;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Web.Auth;

/// <summary>Authenticates <c>Authorization: Bearer hub_…</c> against the hashed api_tokens. Never logs the secret.</summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenService tokens,
    SignInThrottle throttle) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    public const string TokenIdClaim = TokenClaims.TokenId;
    private const string ThrottledKey = "hub:sign-in-throttled";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must use the Bearer scheme.");
        }
        var address = ClientRateLimits.ClientKey(Context);
        if (!throttle.MayTry(address, out var retryAfter))
        {
            Context.Items[ThrottledKey] = retryAfter;
            return AuthenticateResult.Fail("Too many failed sign-ins from your address.");
        }
        var secret = header["Bearer ".Length..].Trim();
        var token = await tokens.ValidateAsync(secret, Context.RequestAborted).ConfigureAwait(false);
        if (token is null)
        {
            throttle.Failed(address);
            return AuthenticateResult.Fail("The token is unknown or revoked.");
        }
        return AuthenticateResult.Success(new AuthenticationTicket(CreatePrincipal(token), SchemeName));
    }

    public static ClaimsPrincipal CreatePrincipal(ApiToken token)
    {
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, Requester.ForToken(token).Key),
            new Claim(TokenIdClaim, token.Id.ToString()),
            new Claim(ClaimTypes.Name, token.Name),
            new Claim(ClaimTypes.Role, token.Role),
        ], SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return new ClaimsPrincipal(identity);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[ThrottledKey] is TimeSpan retryAfter)
        {
            await ClientRateLimits.WriteTooManyAsync(Context, retryAfter, "Too many failed sign-ins from your address.").ConfigureAwait(false);
            return;
        }
        var failure = (await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false)).Failure;
        Response.Headers.WWWAuthenticate = failure is null
            ? "Bearer"
            : $"Bearer error=\"invalid_token\", error_description=\"{failure.Message}\"";
        await Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "unauthorized", "Authentication required",
            failure?.Message ?? "Send an API token as 'Authorization: Bearer <token>'.").ConfigureAwait(false);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "forbidden", "Not allowed",
            "Your token's role does not allow this; it needs an admin token.");
}
