namespace Hub.Bot.Telegram;

/// <summary>
/// The Bot API said no: <c>{"ok":false,"error_code":…,"description":…}</c>, or an HTTP error without that envelope.
/// Messages never contain the request URL (it carries the bot token).
/// </summary>
public sealed class TelegramApiException(string method, int errorCode, string description, int? retryAfter = null)
    : Exception($"Telegram {method} failed: {errorCode} {description}")
{
    public string Method { get; } = method;
    public int ErrorCode { get; } = errorCode;
    public string Description { get; } = description;
    /// <summary>Seconds to wait before the next call, for 429 Too Many Requests.</summary>
    public int? RetryAfter { get; } = retryAfter;

    public bool IsRateLimited => ErrorCode == 429;

    /// <summary>"message is not modified": an edit to the same text, harmless.</summary>
    public bool IsNotModified => ErrorCode == 400 && Description.Contains("not modified", StringComparison.OrdinalIgnoreCase);

    /// <summary>The message is gone or too old to edit; send a new one instead.</summary>
    public bool IsMessageGone => ErrorCode == 400 && (Description.Contains("message to edit not found", StringComparison.OrdinalIgnoreCase)
        || Description.Contains("message can't be edited", StringComparison.OrdinalIgnoreCase));

    /// <summary>A callback query too old to answer: harmless.</summary>
    public bool IsQueryTooOld => ErrorCode == 400 && Description.Contains("query is too old", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The Bot API could not be reached (network error, timeout). The message is redacted: never the URL, never the token.</summary>
public sealed class TelegramNetworkException(string method, string message)
    : Exception($"Telegram {method} could not be reached: {message}")
{
    public string Method { get; } = method;
}
