using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Domain.Jobs;

namespace Hub.Domain.Notifications;

/// <summary>
/// Shapes a <see cref="WebhookMessage"/> for a receiver and signs it. "json" is Hub's own document; the others are what
/// ntfy (text body with Title/Tags/Click/Priority headers, https://docs.ntfy.sh/publish/), Gotify (POST /message),
/// Discord (execute webhook, an embed) and Slack (incoming webhook, mrkdwn text) take with no glue in between.
/// </summary>
public static class WebhookBodies
{
    public const string SignatureHeader = "X-Hub-Signature-256";
    public const string EventHeader = "X-Hub-Event";

    // Receivers read UTF-8 JSON; escaping every non-ASCII letter (the default, made for HTML pages) only makes bodies unreadable.
    private static readonly JsonSerializerOptions BodyJson = new(JobJson.Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static HttpRequestMessage Request(Webhook hook, WebhookMessage message)
    {
        var (body, type, headers) = Shape(hook.Format, message);
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        request.Headers.TryAddWithoutValidation(SignatureHeader, Sign(hook.Secret, bytes));
        request.Headers.TryAddWithoutValidation(EventHeader, message.Event);
        return request;
    }

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of the exact body bytes, keyed with the webhook's secret.</summary>
    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static (string Body, string ContentType, IReadOnlyList<(string, string)> Headers) Shape(string format, WebhookMessage m) => format switch
    {
        WebhookFormats.Ntfy => (m.Text.Length > 0 ? m.Text : m.Headline, "text/plain; charset=utf-8", NtfyHeaders(m)),
        WebhookFormats.Gotify => (Json(new JsonObject
        {
            ["title"] = m.Headline,
            ["message"] = m.Text,
            ["priority"] = m.Event == WebhookEvents.JobFailed ? 8 : 5,
            ["extras"] = m.Link is { } link ? new JsonObject { ["client::notification"] = new JsonObject { ["click"] = new JsonObject { ["url"] = link } } } : null,
        }), "application/json", []),
        WebhookFormats.Discord => (Json(new JsonObject
        {
            ["username"] = "Hub",
            ["embeds"] = new JsonArray(new JsonObject
            {
                ["title"] = Trim(m.Headline, 256),
                ["description"] = Trim(m.Text, 4096),
                ["url"] = m.Link,
                ["color"] = m.Event switch { WebhookEvents.JobFailed => 0xD93F0B, WebhookEvents.AwaitingReview => 0xE4B400, _ => 0x2DA44E },
                ["timestamp"] = m.At.ToString("O"),
            }),
            ["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray() }, // a title saying @everyone pings nobody
        }), "application/json", []),
        WebhookFormats.Slack => (Json(new JsonObject
        {
            ["text"] = (m.Link is { } l ? $"<{l}|{SlackEscape(m.Headline)}>" : SlackEscape(m.Headline)) + (m.Text.Length > 0 ? "\n" + SlackEscape(m.Text) : ""),
        }), "application/json", []),
        _ => (JsonSerializer.Serialize(m, BodyJson), "application/json", []),
    };

    private static IReadOnlyList<(string, string)> NtfyHeaders(WebhookMessage m)
    {
        var headers = new List<(string, string)>
        {
            ("Title", HeaderText(m.Headline)),
            ("Tags", m.Event switch { WebhookEvents.JobFailed => "x", WebhookEvents.AwaitingReview => "inbox_tray", WebhookEvents.Test => "bell", _ => "white_check_mark" }),
            ("Priority", m.Event == WebhookEvents.JobFailed ? "high" : "default"),
        };
        if (m.Link is { } link) headers.Add(("Click", link));
        return headers;
    }

    /// <summary>Header values are ASCII; other text goes as an RFC 2047 encoded word, which ntfy decodes.</summary>
    private static string HeaderText(string text) =>
        text.All(c => c is >= ' ' and <= '~') ? text : "=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) + "?=";

    /// <summary>Slack's mrkdwn: &amp;, &lt; and &gt; are control characters and must be escaped in any remote text.</summary>
    private static string SlackEscape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Trim(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>Compact JSON without null members (Discord refuses "url": null).</summary>
    private static string Json(JsonObject o)
    {
        Strip(o);
        return o.ToJsonString(BodyJson);
    }

    private static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Where(p => p.Value is null).Select(p => p.Key).ToList()) obj.Remove(key);
                foreach (var (_, value) in obj) Strip(value);
                break;
            case JsonArray arr:
                foreach (var item in arr) Strip(item);
                break;
        }
    }
}
