using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Hub.Bot.Telegram;

/// <summary>
/// The one place where Hub bends to a Bot API emulator (telegram-test-api 4.2.1, used by the end-to-end tests) instead
/// of Telegram. It sits on the bot's <see cref="HttpClient"/> only when <c>Telegram:EmulatorQuirks</c> is on, and
/// rewrites the emulator's replies into what Telegram sends, so Telegram.Bot and the rest of Hub never see a quirk:
/// <list type="number">
/// <item>Dates (<c>date</c>, <c>edit_date</c>) come in milliseconds (13 digits); Telegram sends seconds, and the
/// library's date converter throws on milliseconds. They are divided by 1000.</item>
/// <item>editMessageText and editMessageReplyMarkup answer <c>result: null</c>; Telegram answers the edited Message.
/// A minimal Message is built from the request (message_id, chat, date now, text).</item>
/// <item>Methods that return True (answerCallbackQuery, deleteMessage, setWebhook, ...) answer <c>result: null</c>;
/// it becomes <c>true</c>.</item>
/// <item>Unsupported methods (sendDocument, setMyCommands, ...) answer HTTP 500 <c>{"message": ...}</c> instead of
/// Telegram's <c>{"ok":false,"error_code":…,"description":…}</c>; it is rewritten into that envelope (code 501).</item>
/// </list>
/// Two more quirks need nothing here: getMe lacks <c>is_bot</c> (false by default) and sendMessage's result lacks
/// <c>from</c> (optional in the Bot API). getUpdates ignoring <c>timeout</c> is met by the polling loop's pause after an
/// instant empty answer, which any server that does not long-poll needs.
/// </summary>
public sealed class EmulatorCompatibilityHandler : DelegatingHandler
{
    /// <summary>Past this, a "Unix time" is in milliseconds; seconds reach it in the year 5138.</summary>
    private const long MillisecondsThreshold = 100_000_000_000;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var method = request.RequestUri?.Segments.LastOrDefault() ?? "";
        var requestJson = request.Content is { } content && content.Headers.ContentType?.MediaType == "application/json"
            ? JsonNode.Parse(await content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) as JsonObject
            : null;
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (request.RequestUri?.AbsolutePath.StartsWith("/file/", StringComparison.Ordinal) == true
            || response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            return response;
        }
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) as JsonObject;
        if (body is null)
        {
            return response;
        }
        if (response.StatusCode == HttpStatusCode.InternalServerError && body["ok"] is null && body["message"] is { } message)
        {
            body = new JsonObject { ["ok"] = false, ["error_code"] = 501, ["description"] = message.ToString() };
        }
        else if (body["ok"]?.GetValue<bool>() == true && body["result"] is null)
        {
            body["result"] = method is "editMessageText" or "editMessageReplyMarkup" ? EditedMessage(requestJson) : true;
        }
        else
        {
            SecondsForMilliseconds(body["result"]);
        }
        var status = response.StatusCode;
        response.Dispose();
        return new HttpResponseMessage(status == HttpStatusCode.InternalServerError ? HttpStatusCode.NotImplemented : status)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
            RequestMessage = request,
        };
    }

    private static JsonObject EditedMessage(JsonObject? request) => new()
    {
        ["message_id"] = request?["message_id"]?.DeepClone() ?? 0,
        ["chat"] = new JsonObject { ["id"] = request?["chat_id"]?.DeepClone() ?? 0, ["type"] = "private" },
        ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["edit_date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["text"] = request?["text"]?.DeepClone(),
    };

    private static void SecondsForMilliseconds(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (key is "date" or "edit_date" && value is JsonValue v && v.TryGetValue<long>(out var n) && n >= MillisecondsThreshold)
                    {
                        o[key] = n / 1000;
                    }
                    else
                    {
                        SecondsForMilliseconds(value);
                    }
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    SecondsForMilliseconds(item);
                }
                break;
        }
    }
}
