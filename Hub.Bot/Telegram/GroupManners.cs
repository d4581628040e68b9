using Hub.Bot.Commands;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Hub.Bot.Telegram;

/// <summary>
/// How the bot behaves among other people: in a group it reacts only to what is meant for it (a command for it, a
/// message that mentions it or replies to it, and links when the admin lets it take group links); everything else in
/// the group is other people's conversation.
/// </summary>
public static class GroupManners
{
    public static bool IsGroup(this Chat? chat) => chat?.Type is ChatType.Group or ChatType.Supergroup;

    /// <summary>Whether a group message is for the bot; private messages always are.</summary>
    public static bool IsForBot(Message m, User? me, bool groupLinks)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (!m.Chat.IsGroup())
        {
            return true;
        }
        if (m.Text is { Length: > 0 } t && t[0] == '/')
        {
            return CommandList.Parse(m, me?.Username) is not null;
        }
        if (me is not null && m.ReplyToMessage?.From?.Id == me.Id)
        {
            return true;
        }
        var text = m.Text ?? m.Caption;
        var entities = m.Text is not null ? m.Entities : m.CaptionEntities;
        foreach (var e in entities ?? [])
        {
            if (e.Type == MessageEntityType.Mention && me?.Username is { } name && text is not null && e.Offset + e.Length <= text.Length
                && text.Substring(e.Offset, e.Length).Equals("@" + name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            if (e.Type == MessageEntityType.TextMention && me is not null && e.User?.Id == me.Id)
            {
                return true;
            }
        }
        return groupLinks && !m.HasFile() && CommandList.Urls(text, entities).Count > 0;
    }
}
