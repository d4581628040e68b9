using Hub.Bot.Telegram;
using Hub.Domain.Access;

namespace Hub.Bot.Commands;

/// <summary>One update being handled: who sent it (an allowed contact), in which chat, and what.</summary>
public sealed record BotContext(Update Update, Contact Contact, User From, long ChatId)
{
    public Message? Message => Update.Message;
    public CallbackQuery? Callback => Update.CallbackQuery;
    public bool IsAdmin => Contact.IsAdmin;

    /// <summary>What jobs record as "requested by".</summary>
    public string RequestedBy => RequesterOf(From.Id);

    public static string RequesterOf(long userId) => $"telegram:{userId}";
}
