using Hub.Bot.Menus;
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

    /// <param name="html">The text is Telegram HTML (links behind words); every remote text in it must be escaped (<see cref="Html"/>).</param>
    public Task<Message> SendAsync(long chatId, string text, InlineKeyboardMarkup? markup, CancellationToken cancellationToken, bool html = false) =>
        scheduler.EnqueueAsync(chatId, null, ct => Timed(ct, CallTimeout, t =>
            client.SendMessage(chatId, Clip(text, html), ParseModeOf(html), replyMarkup: markup, linkPreviewOptions: NoPreview, cancellationToken: t)), cancellationToken);

    /// <summary>
    /// Queues a message nobody needs to wait for (a reply whose message id is not needed). The scheduler owns the send;
    /// a failure is logged.
    /// </summary>
    public void Post(long chatId, string text, InlineKeyboardMarkup? markup = null, bool html = false) =>
        _ = SendAsync(chatId, text, markup, CancellationToken.None, html).ContinueWith(
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
    public Task EditAsync(long chatId, long messageId, string text, InlineKeyboardMarkup? markup, CancellationToken cancellationToken, bool html = false) =>
        scheduler.EnqueueAsync(chatId, $"edit:{messageId}", ct => Timed(ct, CallTimeout, async t =>
        {
            try
            {
                await client.EditMessageText(chatId, checked((int)messageId), Clip(text, html), ParseModeOf(html), replyMarkup: markup, linkPreviewOptions: NoPreview,
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

    /// <summary>
    /// Answers an inline query at once (not a chat message, so not scheduled). Results are personal (each person's links
    /// are their own) and not cached, so a person blocked a moment ago gets nothing.
    /// </summary>
    public Task AnswerInlineAsync(string inlineQueryId, IEnumerable<global::Telegram.Bot.Types.InlineQueryResults.InlineQueryResult> results,
        CancellationToken cancellationToken) =>
        Timed(cancellationToken, CallTimeout, async t =>
        {
            await client.AnswerInlineQuery(inlineQueryId, results, cacheTime: 0, isPersonal: true, cancellationToken: t).ConfigureAwait(false);
            return true;
        });

    /// <summary>
    /// Uploads media to the chat with what players show (duration, size, cover, title and performer, streaming): as a
    /// video, an audio or a document. The caption is plain text.
    /// </summary>
    public Task<Message> SendMediaAsync(long chatId, MediaUpload m, CancellationToken cancellationToken) =>
        scheduler.EnqueueAsync(chatId, null, ct => Timed(ct, UploadTimeout, async t =>
        {
            await client.SendChatAction(chatId, m.Kind switch { "video" => ChatAction.UploadVideo, "audio" => ChatAction.UploadVoice, _ => ChatAction.UploadDocument },
                cancellationToken: t).ConfigureAwait(false);
            await using var stream = File.OpenRead(m.Path);
            await using var thumbStream = m.ThumbnailPath is { } tp && File.Exists(tp) ? File.OpenRead(tp) : null;
            var file = InputFile.FromStream(stream, m.FileName ?? Path.GetFileName(m.Path));
            var thumb = thumbStream is null ? null : InputFile.FromStream(thumbStream, "thumb.jpg");
            var caption = m.Caption is null ? null : Texts.Trim(m.Caption, 1024);
            return m.Kind switch
            {
                "video" => await client.SendVideo(chatId, file, caption, duration: m.DurationSeconds, width: m.Width, height: m.Height, thumbnail: thumb,
                    supportsStreaming: true, cancellationToken: t).ConfigureAwait(false),
                "audio" => await client.SendAudio(chatId, file, caption, duration: m.DurationSeconds, performer: m.Performer, title: m.Title, thumbnail: thumb,
                    cancellationToken: t).ConfigureAwait(false),
                _ => await client.SendDocument(chatId, file, caption, thumbnail: thumb, cancellationToken: t).ConfigureAwait(false),
            };
        }), cancellationToken);

    /// <summary>
    /// Telegram refuses texts over 4096 characters. HTML is cut before its last line that would not fit, so no tag is
    /// left open (the texts Hub writes close every tag on the line that opens it).
    /// </summary>
    private static string Clip(string text, bool html = false)
    {
        if (text.Length <= 4096)
        {
            return text;
        }
        if (html)
        {
            var cut = text.LastIndexOf('\n', 4090);
            return (cut > 0 ? text[..cut] : Html(text[..Math.Min(text.Length, 1000)])) + "\n…";
        }
        return text[..4090] + " …";
    }

    private static ParseMode ParseModeOf(bool html) => html ? ParseMode.Html : ParseMode.None;

    /// <summary>Escapes text for Telegram's HTML mode (it knows only these four entities by name).</summary>
    public static string Html(string? text) => text is null ? "" : text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);

    /// <summary>A link behind words, both escaped.</summary>
    public static string Link(string url, string words) => $"<a href=\"{Html(url)}\">{Html(words)}</a>";

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

/// <summary>A file to send into a chat and what Telegram shows with it.</summary>
/// <param name="Kind">"video", "audio" or anything else (a document).</param>
public sealed record MediaUpload(string Path, string Kind, string? Caption)
{
    public string? FileName { get; init; }
    public int? DurationSeconds { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
    public string? ThumbnailPath { get; init; }
    public string? Title { get; init; }
    public string? Performer { get; init; }
}
