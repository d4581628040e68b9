using System.Security.Claims;
using Hub.Domain.Pairing;
using Hub.Web.Auth;
using Hub.Web.RateLimits;
using Hub.Web.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Pairing;

/// <param name="ForTokenId">Pair a browser for this token's owner instead of the caller (admins only).</param>
public sealed record CreatePairingRequest(Guid? ForTokenId = null);

/// <param name="Code">Ten letters and digits, shown as ABCDE-FGHJK; case, spaces and dashes do not matter.</param>
/// <param name="OwnerName">Whose token the code leads to, for the screen that shows it.</param>
public sealed record PairingCodeDto(string Code, string Kind, string OwnerName, DateTimeOffset ExpiresAt);

public sealed record ClaimPairingRequest(string? Code, string? DeviceName);

/// <summary>The new token (listed and revocable like any other) and its secret, shown in this reply only.</summary>
public sealed record ClaimedPairingDto(TokenDto Token, string Secret);

/// <param name="Command">What to send to the bot, e.g. <c>/link ABCDE-FGHJK</c>.</param>
public sealed record TelegramLinkCodeDto(string Code, string Command, string OwnerName, DateTimeOffset ExpiresAt);

/// <summary>
/// <c>/api/v1/pairing</c>: connect a browser without copying a secret (a one-time code claimed for a user-role token of
/// the same owner), and link a Telegram contact (<c>/link CODE</c> to the bot). The rules are in <see cref="PairingService"/>.
/// </summary>
public static class PairingApi
{
    public static RouteGroupBuilder MapPairing(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/pairing").WithTags("Pairing");
        g.MapPost("/", CreateCode).WithName("CreatePairingCode")
            .WithSummary("A one-time code (10 minutes) a browser claims for a token of the caller's own; admins may name another token's owner.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        g.MapPost("/claim", Claim).WithName("ClaimPairingCode").AllowAnonymous().RequireRateLimiting(ClientRateLimits.Tokenless)
            .WithSummary("Use a pairing code (no token needed; once): 201 with a user-role token named after the device, for the code's owner.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        g.MapPost("/telegram", CreateTelegramCode).WithName("CreateTelegramLinkCode")
            .WithSummary("A one-time code (10 minutes): sending /link CODE to the bot links that Telegram contact to the caller, who then follows their jobs in the chat.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return api;
    }

    private static async Task<Created<PairingCodeDto>> CreateCode(CreatePairingRequest? body, ClaimsPrincipal user, PairingService pairing, CancellationToken ct)
    {
        var code = await pairing.CreateBrowserCodeAsync(user.ToRequester(), body?.ForTokenId, ct);
        return TypedResults.Created("/api/v1/pairing/claim", new PairingCodeDto(code.Code, code.Kind, code.OwnerName, code.ExpiresAt));
    }

    private static async Task<Created<ClaimedPairingDto>> Claim(ClaimPairingRequest body, PairingService pairing, CancellationToken ct)
    {
        var created = await pairing.ClaimBrowserAsync(body.Code, body.DeviceName, ct);
        return TypedResults.Created($"/api/v1/tokens/{created.Token.Id}", new ClaimedPairingDto(TokensApi.ToDto(created.Token), created.Secret));
    }

    private static async Task<Created<TelegramLinkCodeDto>> CreateTelegramCode(ClaimsPrincipal user, PairingService pairing, CancellationToken ct)
    {
        var code = await pairing.CreateTelegramCodeAsync(user.ToRequester(), ct);
        return TypedResults.Created("/api/v1/pairing/telegram", new TelegramLinkCodeDto(code.Code, "/link " + code.Code, code.OwnerName, code.ExpiresAt));
    }
}
