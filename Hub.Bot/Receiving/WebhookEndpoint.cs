using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Bot.Telegram;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace Hub.Bot.Receiving;

/// <summary>
/// <c>POST /telegram/webhook</c>: Telegram's pushes in webhook mode. The secret header is compared in constant time
/// (403 otherwise); the update is read with Telegram.Bot's own JSON settings, recorded and queued, and the answer comes
/// at once, handling runs behind it. Ours because Telegram.Bot has no web hosting part and no secret check.
/// </summary>
public static class WebhookEndpoint
{
    public const string Path = "/telegram/webhook";
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    public static IEndpointRouteBuilder MapTelegramWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, ReceiveAsync).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    private static async Task<Results<Ok, StatusCodeHttpResult, NotFound, BadRequest>> ReceiveAsync(HttpRequest request, IOptions<TelegramOptions> options,
        IServiceProvider services, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.Enabled || !o.IsWebhook || services.GetService(typeof(UpdateQueue)) is not UpdateQueue queue)
        {
            return TypedResults.NotFound();
        }
        if (!SecretMatches(request.Headers[SecretHeader].ToString(), o.WebhookSecret))
        {
            // A plain 403 with no body: nothing to learn for whoever guesses.
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }
        Update? update;
        try
        {
            update = await JsonSerializer.DeserializeAsync<Update>(request.Body, JsonBotAPI.Options, ct).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return TypedResults.BadRequest();
        }
        if (update is null || update.Id <= 0)
        {
            return TypedResults.BadRequest();
        }
        await queue.AcceptAsync(update, ct).ConfigureAwait(false);
        return TypedResults.Ok();
    }

    /// <summary>Constant time in the secret's content and length: both sides are hashed before comparing.</summary>
    public static bool SecretMatches(string? given, string? expected)
    {
        if (string.IsNullOrEmpty(expected))
        {
            return false;
        }
        var a = SHA256.HashData(Encoding.UTF8.GetBytes(given ?? ""));
        var b = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
