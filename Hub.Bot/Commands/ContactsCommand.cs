using System.Globalization;
using System.Text;
using Hub.Bot.Menus;
using Hub.Bot.Notifications;
using Hub.Bot.Telegram;
using Hub.Domain.Access;
using Telegram.Bot.Types;
using Contact = Hub.Domain.Access.Contact;
using Telegram.Bot.Types.ReplyMarkups;

namespace Hub.Bot.Commands;

/// <summary>
/// Newcomers (recorded as pending, told to wait, admins asked with Approve / Block buttons) and /contacts for admins.
/// Buttons: ct:{a|b|u|m|d}:{telegram id}:{n|l} — allow, block, make user, make admin, delete; from a newcomer notice or the list.
/// </summary>
public sealed class ContactsCommand(ContactService contacts, ContactBlocking blocking, JobNotifier notifier, ChoiceStore choices,
    Receiving.CommandMenus menus, BotSender sender)
{
    private const int MaxListed = 30;
    private const int MaxButtons = 10;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, byte> _reminded = new();
    // The approval cards sent to admins per newcomer: once one admin decides (on a card or in /contacts), every card says so.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, System.Collections.Concurrent.ConcurrentBag<(long Chat, long Message)>> _cards = new();

    public async Task<string> PendingAsync(ContactSeen seen, long chatId, Update update, CancellationToken ct)
    {
        if (update.CallbackQuery is { } cb)
        {
            await sender.AnswerAsync(cb.Id, "An admin has not approved you yet.", ct).ConfigureAwait(false);
            return "pending";
        }
        if (!seen.IsNew)
        {
            // One reminder, then quiet: every further message would get the same answer.
            if (_reminded.TryAdd(seen.Contact.TelegramId, 0))
            {
                sender.Post(chatId, "You're still waiting for an admin to approve you. I'll tell you when that happens.");
                return "pending";
            }
            return "pending: quiet";
        }
        var admins = await contacts.AdminsAsync(ct).ConfigureAwait(false);
        sender.Post(chatId, "Hi! This is a private Hub. An admin needs to approve you before you can use it"
            + (admins.Count > 0 ? " — I've let them know. I'll message you when you're in." : ", and none is set up yet."));
        var c = seen.Contact;
        var cards = _cards.GetOrAdd(c.TelegramId, _ => []);
        foreach (var admin in admins)
        {
            var card = await sender.SendAsync(admin.TelegramId, $"👤 {c.DisplayName} (id {c.TelegramId}) wants to use the bot.", new InlineKeyboardMarkup([[
                InlineKeyboardButton.WithCallbackData("✅ Approve", CallbackData.Build("ct", "a", Id(c), "n")),
                InlineKeyboardButton.WithCallbackData("⛔ Block", CallbackData.Build("ct", "b", Id(c), "n")),
            ]]), ct).ConfigureAwait(false);
            cards.Add((admin.TelegramId, card.MessageId));
        }
        return $"pending: asked {admins.Count} admin(s)";
    }

    public async Task<string> ListAsync(BotContext ctx, CancellationToken ct)
    {
        var (text, buttons) = await RenderListAsync(ct).ConfigureAwait(false);
        sender.Post(ctx.ChatId, text, buttons);
        return "shown";
    }

    public async Task<string> OnButtonAsync(BotContext ctx, CallbackQuery cb, string[] parts, CancellationToken ct)
    {
        var action = parts.ElementAtOrDefault(1);
        if (!long.TryParse(parts.ElementAtOrDefault(2), CultureInfo.InvariantCulture, out var id) || cb.Message is null)
        {
            await sender.AnswerAsync(cb.Id, "That button no longer works.", ct).ConfigureAwait(false);
            return "stale";
        }
        var before = await contacts.FindAsync(id, ct).ConfigureAwait(false);
        if (before is null)
        {
            await sender.AnswerAsync(cb.Id, "That person is no longer a contact.", ct).ConfigureAwait(false);
            await sender.EditMarkupAsync(cb.Message.Chat.Id, cb.Message.MessageId, null, ct).ConfigureAwait(false);
            return "stale";
        }
        string done;
        switch (action)
        {
            case "a":
                await contacts.AllowAsync(id, ct).ConfigureAwait(false);
                done = before.Allowed ? $"{before.DisplayName} was already allowed." : $"✅ {before.DisplayName} approved by {ctx.From.FirstName}.";
                if (!before.Allowed)
                {
                    sender.Post(id, "You're in! Send me a link or a file to import, or /help to see what I can do.");
                }
                break;
            case "b":
                // Their chat stops first (no more edits, no result links), then what they started is cancelled.
                await notifier.SilenceAsync(id, ct).ConfigureAwait(false);
                var stopped = await blocking.BlockAsync(id, ct).ConfigureAwait(false);
                await choices.DeleteOfUserAsync(id, ct).ConfigureAwait(false);
                done = $"⛔ {before.DisplayName} blocked by {ctx.From.FirstName}."
                    + (stopped.Count > 0 ? $" {stopped.Count} import(s) of theirs cancelled." : "");
                break;
            case "m":
                await contacts.SetRoleAsync(id, Roles.Admin, ct).ConfigureAwait(false);
                await menus.ForContactAsync(id, isAdmin: true, ct).ConfigureAwait(false);
                done = $"{before.DisplayName} is now an admin.";
                break;
            case "u":
                await contacts.SetRoleAsync(id, Roles.User, ct).ConfigureAwait(false);
                await menus.ForContactAsync(id, isAdmin: false, ct).ConfigureAwait(false);
                done = $"{before.DisplayName} is now a user.";
                break;
            case "d":
                await contacts.DeleteAsync(id, ct).ConfigureAwait(false);
                done = $"{before.DisplayName} deleted.";
                break;
            default:
                await sender.AnswerAsync(cb.Id, "That button no longer works.", ct).ConfigureAwait(false);
                return "stale";
        }
        await sender.AnswerAsync(cb.Id, Texts.Trim(done, 190), ct).ConfigureAwait(false);
        if (_cards.TryRemove(id, out var cards))
        {
            foreach (var (chat, message) in cards.Where(c => c.Chat != cb.Message.Chat.Id || c.Message != cb.Message.MessageId))
            {
                await sender.EditAsync(chat, message, done, null, ct).ConfigureAwait(false);
            }
        }
        if (parts.ElementAtOrDefault(3) == "l")
        {
            var (text, buttons) = await RenderListAsync(ct).ConfigureAwait(false);
            await sender.EditAsync(cb.Message.Chat.Id, cb.Message.MessageId, text, buttons, ct).ConfigureAwait(false);
        }
        else
        {
            await sender.EditAsync(cb.Message.Chat.Id, cb.Message.MessageId, done, null, ct).ConfigureAwait(false);
        }
        return done;
    }

    private async Task<(string, InlineKeyboardMarkup?)> RenderListAsync(CancellationToken ct)
    {
        var all = await contacts.ListAsync(null, ct).ConfigureAwait(false);
        if (all.Count == 0)
        {
            return ("No contacts yet.", null);
        }
        var sb = new StringBuilder($"👥 Contacts ({all.Count}):\n");
        foreach (var c in all.Take(MaxListed))
        {
            sb.Append("\n• ").Append(c.DisplayName).Append(" — ").Append(c.Role).Append(", ").Append(c.Status)
                .Append(c.LastSeenAt is { } seen ? ", seen " + seen.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "");
        }
        var rows = new List<IReadOnlyList<InlineKeyboardButton>>();
        foreach (var c in all.OrderBy(c => c.Status == ContactStatuses.Pending ? 0 : 1).Take(MaxButtons))
        {
            var name = Texts.Trim(c.FirstName ?? c.Username ?? c.TelegramId.ToString(CultureInfo.InvariantCulture), 14);
            rows.Add(c.Status switch
            {
                ContactStatuses.Pending => [Btn($"✅ Approve {name}", "a", c), Btn($"⛔ Block {name}", "b", c)],
                ContactStatuses.Blocked => [Btn($"✅ Allow {name}", "a", c), Btn($"🗑 Delete {name}", "d", c)],
                _ when c.Role == Roles.Admin => [Btn($"⬇️ Make {name} a user", "u", c)],
                _ => [Btn($"⬆️ Make {name} an admin", "m", c), Btn($"⛔ Block {name}", "b", c)],
            });
        }
        return (sb.ToString(), new InlineKeyboardMarkup(rows));
    }

    private static InlineKeyboardButton Btn(string text, string action, Contact c) =>
        InlineKeyboardButton.WithCallbackData(text, CallbackData.Build("ct", action, Id(c), "l"));

    private static string Id(Contact c) => c.TelegramId.ToString(CultureInfo.InvariantCulture);
}
