using Telegram.Bot.Exceptions;

namespace Hub.Bot.Telegram;

/// <summary>
/// The Bot API errors Hub treats specially, recognised by their code and description. Telegram.Bot parses errors into
/// <see cref="ApiRequestException"/> but does not name these cases, so they are named here once.
/// </summary>
public static class TelegramErrors
{
    public static bool IsRateLimited(this ApiRequestException ex) => ex.ErrorCode == 429;

    /// <summary>"message is not modified": an edit to the same text, harmless.</summary>
    public static bool IsNotModified(this ApiRequestException ex) => Has(ex, 400, "not modified");

    /// <summary>The message is gone or too old to edit; send a new one instead.</summary>
    public static bool IsMessageGone(this ApiRequestException ex) => Has(ex, 400, "message to edit not found") || Has(ex, 400, "message can't be edited");

    /// <summary>A callback query too old to answer: harmless.</summary>
    public static bool IsQueryTooOld(this ApiRequestException ex) => Has(ex, 400, "query is too old");

    /// <summary>A file over the cloud Bot API's 20 MB download limit (or our own limit while downloading).</summary>
    public static bool IsFileTooBig(this ApiRequestException ex) => ex.ErrorCode == 413 || Has(ex, 400, "too big");

    private static bool Has(ApiRequestException ex, int code, string text) =>
        ex.ErrorCode == code && ex.Message.Contains(text, StringComparison.OrdinalIgnoreCase);
}
