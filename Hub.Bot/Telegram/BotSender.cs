using Microsoft.Extensions.Logging;

namespace Hub.Bot.Telegram;

/// <summary>
/// What commands use to talk: every message and edit goes through the <see cref="SendScheduler"/> (rate limits,
/// edit coalescing); callback answers go straight out (they are not chat messages and must come within seconds).
/// </summary>
public sealed class BotSender(TelegramClient client, SendScheduler scheduler, ILogger<BotSender> logger)
{
    public TelegramClient Client => client;

    public Task<Message> SendAsync(long chatId, string text, InlineKeyboardMarkup? markup, CancellationToken cancellationToken) =>
        scheduler.EnqueueAsync(chatId, null, ct => client.SendMessageAsync(chatId, Clip(text), markup, ct), cancellationToken);

    /// <summary>
    /// Queues a message nobody needs to wait for (a reply whose message id is not needed). The scheduler owns the send;
    /// a failure is logged.
    /// </summary>
    public void Post(long chatId, string text, InlineKeyboardMarkup? markup = null) =>
        _ = SendAsync(chatId, text, markup, CancellationToken.None).ContinueWith(
            t => logger.LogWarning("A message to chat {ChatId} was not sent: {Error}", chatId, t.Exception?.GetBaseException().Message),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Edits a message's text and buttons; a newer edit of the same message waiting in the queue replaces this one.</summary>
    public Task EditAsync(long chatId, long messageId, string text, InlineKeyboardMarkup? markup, CancellationToken cancellationToken) =>
        scheduler.EnqueueAsync(chatId, $"edit:{messageId}", async ct =>
        {
            try
            {
                await client.EditMessageTextAsync(chatId, messageId, Clip(text), markup, ct).ConfigureAwait(false);
            }
            catch (TelegramApiException ex) when (ex.IsNotModified)
            {
            }
            return true;
        }, cancellationToken);

    public Task EditMarkupAsync(long chatId, long messageId, InlineKeyboardMarkup? markup, CancellationToken cancellationToken) =>
        scheduler.EnqueueAsync(chatId, $"markup:{messageId}", async ct =>
        {
            try
            {
                await client.EditMessageReplyMarkupAsync(chatId, messageId, markup, ct).ConfigureAwait(false);
            }
            catch (TelegramApiException ex) when (ex.IsNotModified)
            {
            }
            return true;
        }, cancellationToken);

    /// <summary>Every callback gets an answer (the button stops spinning); one too old to answer is no error.</summary>
    public async Task AnswerAsync(string callbackQueryId, string? text, CancellationToken cancellationToken, bool alert = false)
    {
        try
        {
            await client.AnswerCallbackQueryAsync(callbackQueryId, text, alert, cancellationToken).ConfigureAwait(false);
        }
        catch (TelegramApiException ex) when (ex.IsQueryTooOld)
        {
        }
    }

    /// <summary>Uploads a file to the chat: as a video, an audio or a document.</summary>
    public Task<Message> SendFileAsync(long chatId, string path, string kind, string? caption, CancellationToken cancellationToken) =>
        scheduler.EnqueueAsync(chatId, null, async ct =>
        {
            await client.SendChatActionAsync(chatId, kind == "video" ? "upload_video" : kind == "audio" ? "upload_voice" : "upload_document", ct)
                .ConfigureAwait(false);
            return kind switch
            {
                "video" => await client.SendVideoAsync(chatId, path, caption, ct).ConfigureAwait(false),
                "audio" => await client.SendAudioAsync(chatId, path, caption, ct).ConfigureAwait(false),
                _ => await client.SendDocumentAsync(chatId, path, caption, ct).ConfigureAwait(false),
            };
        }, cancellationToken);

    /// <summary>Telegram refuses texts over 4096 characters.</summary>
    private static string Clip(string text) => text.Length <= 4096 ? text : text[..4090] + " …";
}
