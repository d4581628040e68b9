using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace Hub.Bot.Telegram;

/// <summary>
/// What commands use to talk: every message and edit goes through the <see cref="SendScheduler"/> (rate limits, edit
/// coalescing, 429 waits); callback answers go straight out (they are not chat messages and must come within seconds).
/// Each call gets a timeout of its own: the bot's HttpClient has none, since long polls and uploads need long ones.
/// </summary>
public sealed class BotSender(ITelegramBotClient client, SendScheduler scheduler, ILogger<BotSender> logger)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan UploadTimeout = TimeSpan.FromMinutes(15);
    private static readonly LinkPreviewOptions NoPreview = new() { IsDisabled = true };

    public ITelegramBotClient Client => client;

    public Task<Message> SendAsync(long chatId, string text, InlineKeyboardMarkup? markup, CancellationToken cancellationToken) =>
        scheduler.EnqueueAsync(chatId, null, ct => Timed(ct, CallTimeout, t =>
            client.SendMessage(chatId, Clip(text), replyMarkup: markup, linkPreviewOptions: NoPreview, cancellationToken: t)), cancellationToken);

    /// <summary>
    /// Queues a message nobody needs to wait for (a reply whose message id is not needed). The scheduler owns the send;
    /// a failure is logged.
    /// </summary>
    public void Post(long chatId, string text, InlineKeyboardMarkup? markup = null) =>
        _ = SendAsync(chatId, text, markup, CancellationToken.None).ContinueWith(
            t => logger.LogWarning("A message to chat {ChatId} was not sent: {Error}", chatId, t.Exception?.GetBaseException().Message),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Queues a message shown as a reply to an earlier one (which Telegram links to); sent plainly if that one is gone.</summary>
    public void Reply(long chatId, long replyTo, string text) =>
        _ = scheduler.EnqueueAsync(chatId, null, ct => Timed(ct, CallTimeout, t =>
            client.SendMessage(chatId, Clip(text), linkPreviewOptions: NoPreview,
                replyParameters: new ReplyParameters { MessageId = checked((int)replyTo), AllowSendingWithoutReply = true }, cancellationToken: t)),
            CancellationToken.None).ContinueWith(
            t => logger.LogWarning("A reply to chat {ChatId} was not sent: {Error}", chatId, t.Exception?.GetBaseException().Message),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Edits a message's text and buttons; a newer edit of the same message waiting in the queue replaces this one.</summary>
    public Task EditAsync(long chatId, long messageId, string text, InlineKeyboardMarkup? markup, CancellationToken cancellationToken) =>
        scheduler.EnqueueAsync(chatId, $"edit:{messageId}", ct => Timed(ct, CallTimeout, async t =>
        {
            try
            {
                await client.EditMessageText(chatId, checked((int)messageId), Clip(text), replyMarkup: markup, linkPreviewOptions: NoPreview,
                    cancellationToken: t).ConfigureAwait(false);
            }
            catch (ApiRequestException ex) when (ex.IsNotModified())
            {
            }
            return true;
        }), cancellationToken);

    public Task EditMarkupAsync(long chatId, long messageId, InlineKeyboardMarkup? markup, CancellationToken cancellationToken) =>
        scheduler.EnqueueAsync(chatId, $"markup:{messageId}", ct => Timed(ct, CallTimeout, async t =>
        {
            try
            {
                await client.EditMessageReplyMarkup(chatId, checked((int)messageId), markup ?? new InlineKeyboardMarkup(), cancellationToken: t)
                    .ConfigureAwait(false);
            }
            catch (ApiRequestException ex) when (ex.IsNotModified())
            {
            }
            return true;
        }), cancellationToken);

    /// <summary>Every callback gets an answer (the button stops spinning); one too old to answer is no error.</summary>
    public async Task AnswerAsync(string callbackQueryId, string? text, CancellationToken cancellationToken, bool alert = false)
    {
        try
        {
            await Timed(cancellationToken, CallTimeout, async t =>
            {
                await client.AnswerCallbackQuery(callbackQueryId, text, alert, cancellationToken: t).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
        }
        catch (ApiRequestException ex) when (ex.IsQueryTooOld())
        {
        }
    }

    /// <summary>Uploads a file to the chat: as a video, an audio or a document.</summary>
    public Task<Message> SendFileAsync(long chatId, string path, string kind, string? caption, CancellationToken cancellationToken) =>
        scheduler.EnqueueAsync(chatId, null, ct => Timed(ct, UploadTimeout, async t =>
        {
            await client.SendChatAction(chatId, kind switch { "video" => ChatAction.UploadVideo, "audio" => ChatAction.UploadVoice, _ => ChatAction.UploadDocument },
                cancellationToken: t).ConfigureAwait(false);
            await using var stream = File.OpenRead(path);
            var file = InputFile.FromStream(stream, Path.GetFileName(path));
            return kind switch
            {
                "video" => await client.SendVideo(chatId, file, caption, cancellationToken: t).ConfigureAwait(false),
                "audio" => await client.SendAudio(chatId, file, caption, cancellationToken: t).ConfigureAwait(false),
                _ => await client.SendDocument(chatId, file, caption, cancellationToken: t).ConfigureAwait(false),
            };
        }), cancellationToken);

    /// <summary>Telegram refuses texts over 4096 characters.</summary>
    private static string Clip(string text) => text.Length <= 4096 ? text : text[..4090] + " …";

    /// <summary>A call with its own timeout; a timeout is a <see cref="RequestException"/>, as the library reports its own.</summary>
    private static async Task<T> Timed<T>(CancellationToken cancellationToken, TimeSpan timeout, Func<CancellationToken, Task<T>> call)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            return await call(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RequestException("Bot API request timed out", ex);
        }
    }
}
