using Hub.Bot.Menus;
using Hub.Bot.Receiving;
using Hub.Bot.Telegram;
using Hub.Domain;
using Hub.Domain.Access;
using Microsoft.Extensions.Logging;
using Telegram.Bot.Types;

namespace Hub.Bot.Commands;

/// <summary>
/// Every update starts here: who is it (the contact gate: blocked people are ignored, pending ones are told to wait
/// and cause nothing else), what is it (callback, file, command, links), which command handles it, and a line in the
/// interactions log with the result (returned to the queue, which writes it in the same commit as the update's processed
/// mark). Domain refusals become a plain reply; anything else goes up to the queue, which
/// apologises with an error id.
/// </summary>
public sealed class UpdateRouter(ContactService contacts, InteractionLog interactions, BotSender sender, BotStartup startup,
    Microsoft.Extensions.Options.IOptions<TelegramOptions> options, HelpCommand help, ImportCommand imports, FileImportCommand files, LibraryCommand library, JobsCommand jobs,
    InboxCommand inbox, ScanCommand scan, SettingsCommand settings, PersonalSettingsCommand personal, ContactsCommand contactsCommand, LinkCommand link, InlineSearch inline,
    CallbackRouter callbacks, FollowCommand follow, ILogger<UpdateRouter> logger)
{
    /// <summary>Handles the update; returns its line for the interactions log, or null when it is not one to log.</summary>
    public async Task<Interaction?> HandleAsync(Update update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.InlineQuery is { From.IsBot: false } inlineQuery)
        {
            // Not recorded as an interaction and no contact made: typing "@bot …" in some chat is not writing to the bot.
            await inline.HandleAsync(inlineQuery, cancellationToken).ConfigureAwait(false);
            return null;
        }
        if (update.Message is null && update.CallbackQuery is null)
        {
            return null; // edited messages and channel posts ask nothing of us
        }
        var from = update.Sender();
        if (from is null || from.IsBot)
        {
            return null;
        }
        if (update.Message is { } groupMessage && !GroupManners.IsForBot(groupMessage, startup.Me, options.Value.GroupLinks))
        {
            return null; // other people's conversation: not even recorded, and nobody becomes a contact by chatting in a group
        }
        var chatId = update.ChatId() ?? from.Id;
        var (kind, text) = Describe(update);
        var seen = await contacts.SeenAsync(new TelegramIdentity(from.Id, from.Username, from.FirstName, from.LastName), cancellationToken)
            .ConfigureAwait(false);
        string result;
        switch (seen.Contact.Status)
        {
            case ContactStatuses.Blocked:
                if (update.CallbackQuery is { } blockedCallback)
                {
                    await sender.AnswerAsync(blockedCallback.Id, null, cancellationToken).ConfigureAwait(false);
                }
                result = "ignored: blocked";
                break;
            case ContactStatuses.Pending:
                result = await contactsCommand.PendingAsync(seen, chatId, update, cancellationToken).ConfigureAwait(false);
                break;
            default:
                var ctx = new BotContext(update, seen.Contact, from, chatId);
                try
                {
                    result = await DispatchAsync(ctx, cancellationToken).ConfigureAwait(false);
                }
                catch (HubException ex)
                {
                    if (update.CallbackQuery is { } cb)
                    {
                        await sender.AnswerAsync(cb.Id, Texts.Trim(ex.Message, 190), cancellationToken, alert: true).ConfigureAwait(false);
                    }
                    else
                    {
                        sender.Post(chatId, ex.Message);
                    }
                    result = "refused: " + ex.Type;
                }
                break;
        }
        return interactions.Line(from.Id, kind, text, result);
    }

    /// <summary>The short apology for an update whose handling failed, and its line for the log; never throws.</summary>
    public async Task<Interaction?> ApologizeAsync(Update update, string errorId, CancellationToken cancellationToken)
    {
        try
        {
            var from = update.Sender();
            var chatId = update.ChatId();
            if (update.CallbackQuery is { } cb)
            {
                await sender.AnswerAsync(cb.Id, $"Sorry, that failed (error id {errorId}).", cancellationToken).ConfigureAwait(false);
            }
            if (chatId is { } chat)
            {
                sender.Post(chat, $"Sorry, something went wrong on my side (error id {errorId}). Please try again in a moment.");
            }
            if (from is not null)
            {
                var (kind, text) = Describe(update);
                return interactions.Line(from.Id, kind, text, "error " + errorId);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Could not apologise for update {UpdateId}: {Error}", update.Id, ex.Message);
        }
        return null;
    }

    private async Task<string> DispatchAsync(BotContext ctx, CancellationToken ct)
    {
        if (ctx.Callback is { } callback)
        {
            return await callbacks.HandleAsync(ctx, callback, ct).ConfigureAwait(false);
        }
        var m = ctx.Message!;
        if (m.HasFile())
        {
            return await files.HandleAsync(ctx, ct).ConfigureAwait(false);
        }
        if (CommandList.Parse(m, startup.Me?.Username) is { } command)
        {
            return command.Name switch
            {
                "start" => help.Start(ctx),
                "help" => help.Help(ctx),
                "add" => await imports.AddAsync(ctx, command.Args, ct).ConfigureAwait(false),
                "search" => await library.SearchAsync(ctx, command.Args, ct).ConfigureAwait(false),
                "recent" => await library.RecentAsync(ctx, ct).ConfigureAwait(false),
                "jobs" => await jobs.ListAsync(Privately(ctx), ct).ConfigureAwait(false),
                "cancel" => await jobs.CancelAsync(ctx, command.Args, ct).ConfigureAwait(false),
                "link" => await link.LinkAsync(ctx, command.Args, ct).ConfigureAwait(false),
                "follow" => await follow.FollowAsync(ctx, command.Args, ct).ConfigureAwait(false),
                "following" => await follow.FollowingAsync(Privately(ctx), ct).ConfigureAwait(false),
                "inbox" => AdminOnly(ctx) ?? await inbox.ListAsync(Privately(ctx), ct).ConfigureAwait(false),
                "scan" => AdminOnly(ctx) ?? await scan.ScanAsync(Privately(ctx), command.Args, ct).ConfigureAwait(false),
                "settings" => await SettingsAsync(Privately(ctx), ct).ConfigureAwait(false),
                "contacts" => AdminOnly(ctx) ?? await contactsCommand.ListAsync(Privately(ctx), ct).ConfigureAwait(false),
                _ => help.Unknown(ctx, command.Name),
            };
        }
        var urls = CommandList.Urls(m.Text ?? m.Caption, m.Text is not null ? m.Entities : m.CaptionEntities);
        if (urls.Count > 0)
        {
            IReadOnlyList<LinkRequest> links;
            try
            {
                links = ClipLinks.Read(m.Text ?? m.Caption, urls);
            }
            catch (HubValidationException ex)
            {
                sender.Post(ctx.ChatId, ex.Message);
                return "bad clip";
            }
            return await imports.ImportLinksAsync(ctx, links, ct).ConfigureAwait(false);
        }
        if (!ctx.Message!.Chat.IsGroup())
        {
            sender.Post(ctx.ChatId, "Send me a link or a file to import, or /help to see what I can do.");
        }
        return "hint";
    }

    /// <summary>
    /// Lists that are one person's business (imports, contacts, settings, the inbox) go to their private chat when asked
    /// for in a group; the group is told where they went.
    /// </summary>
    private BotContext Privately(BotContext ctx)
    {
        if (!ctx.Message!.Chat.IsGroup())
        {
            return ctx;
        }
        sender.Post(ctx.ChatId, $"{ctx.From.FirstName}, I've sent that to you in a private chat.");
        return ctx with { ChatId = ctx.From.Id };
    }

    /// <summary>Everyone's own settings; an admin also gets everyone's defaults.</summary>
    private async Task<string> SettingsAsync(BotContext ctx, CancellationToken ct)
    {
        var result = await personal.ShowAsync(ctx, ct).ConfigureAwait(false);
        return ctx.IsAdmin ? result + "; " + await settings.ShowAsync(ctx, ct).ConfigureAwait(false) : result;
    }

    private string? AdminOnly(BotContext ctx)
    {
        if (ctx.IsAdmin)
        {
            return null;
        }
        sender.Post(ctx.ChatId, "That command is for admins.");
        return "refused: admin only";
    }

    private static (string Kind, string? Text) Describe(Update update)
    {
        if (update.CallbackQuery is { } cb)
        {
            return (InteractionKinds.Callback, cb.Data);
        }
        var m = update.Message;
        if (m is null)
        {
            return (InteractionKinds.Message, null);
        }
        if (m.HasFile())
        {
            return (InteractionKinds.File, m.Document?.FileName ?? m.Video?.FileName ?? m.Audio?.FileName ?? m.Caption ?? "(file)");
        }
        return m.Text is { Length: > 0 } t && t[0] == '/' ? (InteractionKinds.Command, t) : (InteractionKinds.Message, m.Text ?? m.Caption);
    }
}
