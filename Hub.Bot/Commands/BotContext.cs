using Hub.Domain.Access;
using Telegram.Bot.Types;
using Contact = Hub.Domain.Access.Contact;

namespace Hub.Bot.Commands;

/// <summary>One update being handled: who sent it (an allowed contact), in which chat, and what.</summary>
public sealed record BotContext(Update Update, Contact Contact, User From, long ChatId)
{
    public Message? Message => Update.Message;
    public CallbackQuery? Callback => Update.CallbackQuery;
    public bool IsAdmin => Contact.IsAdmin;

    /// <summary>Who is asking, as every door names them: what jobs record as "requested by", and what JobAccess decides on.</summary>
    public Requester Requester { get; } = Requester.ForContact(Contact);

    public string RequestedBy => Requester.Key;
}
