using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Bot.Telegram;

/// <summary>
/// Our own small typed Bot API client. It owns a plain <see cref="HttpClient"/> (not one from IHttpClientFactory, whose
/// logging handlers write request URLs, and the URL carries the token); errors are rewritten so that neither the URL nor
/// the token reaches an exception message or a log. 429 replies are waited out (retry_after) and retried.
/// Outgoing chat messages should go through <see cref="BotSender"/>, which applies Telegram's rate limits.
/// </summary>
public sealed class TelegramClient : IDisposable
{
    private const int MaxRateLimitRetries = 3;
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan UploadTimeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(2);

    private readonly HttpClient _http;
    private readonly string _token;
    private readonly string _root;
    private readonly TelegramOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TelegramClient> _logger;

    public TelegramClient(IOptions<TelegramOptions> options, TimeProvider time, ILogger<TelegramClient> logger)
    {
        _options = options.Value;
        _token = _options.BotToken ?? "";
        _root = _options.ApiBaseUrl.TrimEnd('/');
        _time = time;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 64,
            AutomaticDecompression = DecompressionMethods.All,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>How many 429 replies were waited out (for diagnostics and tests).</summary>
    public int RateLimitWaits => _rateLimitWaits;
    private int _rateLimitWaits;

    public Task<User> GetMeAsync(CancellationToken cancellationToken) => CallAsync<User>("getMe", null, cancellationToken);

    public Task<IReadOnlyList<Update>> GetUpdatesAsync(long offset, int timeoutSeconds, CancellationToken cancellationToken) =>
        CallAsync("getUpdates", new
        {
            offset,
            timeout = timeoutSeconds,
            limit = 100,
            allowed_updates = new[] { "message", "edited_message", "callback_query" },
        }, r => TelegramJson.ParseUpdates(r), TimeSpan.FromSeconds(timeoutSeconds) + TimeSpan.FromSeconds(15), cancellationToken);

    public Task SetWebhookAsync(string url, string? secretToken, CancellationToken cancellationToken) =>
        CallAsync<JsonElement?>("setWebhook", new
        {
            url,
            secret_token = secretToken,
            allowed_updates = new[] { "message", "edited_message", "callback_query" },
        }, cancellationToken);

    public Task DeleteWebhookAsync(CancellationToken cancellationToken) =>
        CallAsync<JsonElement?>("deleteWebhook", new { drop_pending_updates = false }, cancellationToken);

    public Task<Message> SendMessageAsync(long chatId, string text, InlineKeyboardMarkup? markup, CancellationToken cancellationToken) =>
        CallAsync<Message>("sendMessage", new
        {
            chat_id = chatId,
            text,
            reply_markup = markup,
            link_preview_options = new { is_disabled = true },
        }, cancellationToken);

    /// <summary>Edits a message's text (and buttons). Emulators answer null instead of the message: that is fine.</summary>
    public Task EditMessageTextAsync(long chatId, long messageId, string text, InlineKeyboardMarkup? markup, CancellationToken cancellationToken) =>
        CallAsync<JsonElement?>("editMessageText", new
        {
            chat_id = chatId,
            message_id = messageId,
            text,
            reply_markup = markup,
            link_preview_options = new { is_disabled = true },
        }, cancellationToken);

    public Task EditMessageReplyMarkupAsync(long chatId, long messageId, InlineKeyboardMarkup? markup, CancellationToken cancellationToken) =>
        CallAsync<JsonElement?>("editMessageReplyMarkup", new { chat_id = chatId, message_id = messageId, reply_markup = markup ?? InlineKeyboardMarkup.Empty },
            cancellationToken);

    public Task AnswerCallbackQueryAsync(string callbackQueryId, string? text, bool showAlert, CancellationToken cancellationToken) =>
        CallAsync<JsonElement?>("answerCallbackQuery", new { callback_query_id = callbackQueryId, text, show_alert = showAlert ? true : (bool?)null },
            cancellationToken);

    public Task SendChatActionAsync(long chatId, string action, CancellationToken cancellationToken) =>
        CallAsync<JsonElement?>("sendChatAction", new { chat_id = chatId, action }, cancellationToken);

    public Task SetMyCommandsAsync(IReadOnlyList<BotCommand> commands, CancellationToken cancellationToken) =>
        CallAsync<JsonElement?>("setMyCommands", new { commands }, cancellationToken);

    public Task<TelegramFile> GetFileAsync(string fileId, CancellationToken cancellationToken) =>
        CallAsync<TelegramFile>("getFile", new { file_id = fileId }, cancellationToken);

    /// <summary>
    /// Downloads a file getFile described into <paramref name="destination"/>, refusing more than <paramref name="maxBytes"/>.
    /// A local Bot API server (--local) answers with an absolute path on this machine, which is copied instead.
    /// </summary>
    public async Task<long> DownloadFileAsync(string filePath, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (_options.LocalApiServer && Path.IsPathRooted(filePath) && File.Exists(filePath))
        {
            await using var local = File.OpenRead(filePath);
            return await CopyLimitedAsync(local, destination, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        var url = $"{_root}/file/bot{_token}/{string.Join('/', filePath.Split('/').Select(Uri.EscapeDataString))}";
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(UploadTimeout);
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new TelegramApiException("file download", (int)response.StatusCode, response.ReasonPhrase ?? "download failed");
            }
            if (response.Content.Headers.ContentLength > maxBytes)
            {
                throw new TelegramApiException("file download", 413, "file is too big");
            }
            await using var body = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
            return await CopyLimitedAsync(body, destination, maxBytes, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransport(ex, cancellationToken))
        {
            throw new TelegramNetworkException("file download", Redact(ex.Message));
        }
    }

    public Task<Message> SendVideoAsync(long chatId, string path, string? caption, CancellationToken cancellationToken) =>
        UploadAsync("sendVideo", "video", chatId, path, caption, cancellationToken);

    public Task<Message> SendAudioAsync(long chatId, string path, string? caption, CancellationToken cancellationToken) =>
        UploadAsync("sendAudio", "audio", chatId, path, caption, cancellationToken);

    public Task<Message> SendDocumentAsync(long chatId, string path, string? caption, CancellationToken cancellationToken) =>
        UploadAsync("sendDocument", "document", chatId, path, caption, cancellationToken);

    private Task<Message> UploadAsync(string method, string field, long chatId, string path, string? caption, CancellationToken cancellationToken) =>
        SendAsync(method, () =>
        {
            var form = new MultipartFormDataContent
            {
                { new StringContent(chatId.ToString(System.Globalization.CultureInfo.InvariantCulture)), "chat_id" },
            };
            if (caption is not null)
            {
                form.Add(new StringContent(caption), "caption");
            }
            var file = new StreamContent(File.OpenRead(path));
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(file, field, Path.GetFileName(path));
            return form;
        }, r => r.Deserialize<Message>(TelegramJson.Options) ?? new Message(), UploadTimeout, cancellationToken);

    public Task<T> CallAsync<T>(string method, object? payload, CancellationToken cancellationToken) =>
        CallAsync(method, payload, r => r.Deserialize<T>(TelegramJson.Options)!, DefaultTimeout, cancellationToken);

    private Task<T> CallAsync<T>(string method, object? payload, Func<JsonElement, T> read, TimeSpan timeout, CancellationToken cancellationToken) =>
        SendAsync(method, () => new StringContent(payload is null ? "{}" : JsonSerializer.Serialize(payload, TelegramJson.Options), Encoding.UTF8, "application/json"),
            read, timeout, cancellationToken);

    private async Task<T> SendAsync<T>(string method, Func<HttpContent> content, Func<JsonElement, T> read, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var url = $"{_root}/bot{_token}/{method}";
        for (var attempt = 0; ; attempt++)
        {
            ApiResponse? reply;
            int status;
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                cts.CancelAfter(timeout);
                try
                {
                    using var body = content();
                    using var response = await _http.PostAsync(url, body, cts.Token).ConfigureAwait(false);
                    status = (int)response.StatusCode;
                    var text = await response.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false);
                    reply = ParseReply(text);
                    if (reply is null)
                    {
                        // Not the Bot API envelope (an emulator's 500 for an unsupported method, a proxy's error page).
                        throw new TelegramApiException(method, status, Describe(text, response.ReasonPhrase));
                    }
                }
                catch (Exception ex) when (IsTransport(ex, cancellationToken))
                {
                    throw new TelegramNetworkException(method, Redact(ex.Message));
                }
            }
            if (reply.Ok)
            {
                return reply.Result is { } r ? read(r) : default!;
            }
            var error = new TelegramApiException(method, reply.ErrorCode ?? status, Redact(reply.Description ?? "error"), reply.Parameters?.RetryAfter);
            if (error.IsRateLimited && attempt < MaxRateLimitRetries)
            {
                var wait = TimeSpan.FromSeconds(Math.Max(1, error.RetryAfter ?? 1));
                wait = wait > MaxRetryAfter ? MaxRetryAfter : wait;
                Interlocked.Increment(ref _rateLimitWaits);
                _logger.LogWarning("Telegram asked to slow down ({Method}); waiting {Seconds} s", method, wait.TotalSeconds);
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                continue;
            }
            throw error;
        }
    }

    private static ApiResponse? ParseReply(string text)
    {
        try
        {
            var reply = JsonSerializer.Deserialize<ApiResponse>(text, TelegramJson.Options);
            return reply is not null && (reply.Ok || reply.ErrorCode is not null || reply.Description is not null) ? reply : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private string Describe(string body, string? reason)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
            {
                return Redact(m.GetString()!);
            }
        }
        catch (JsonException)
        {
        }
        return Redact(reason ?? "unexpected reply");
    }

    private static bool IsTransport(Exception ex, CancellationToken callerToken) =>
        ex is HttpRequestException or IOException || (ex is OperationCanceledException && !callerToken.IsCancellationRequested);

    private string Redact(string text) => _token.Length == 0 ? text : text.Replace(_token, "<token>", StringComparison.Ordinal);

    private static async Task<long> CopyLimitedAsync(Stream source, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > maxBytes)
            {
                throw new TelegramApiException("file download", 413, "file is too big");
            }
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
        return total;
    }

    public void Dispose() => _http.Dispose();
}
