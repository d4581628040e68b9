using Telegram.Bot.Types;

namespace Hub.Bot.Telegram;

/// <summary>What Hub asks of every update, whatever its kind (Telegram.Bot's <see cref="Update"/> has no sender shortcut).</summary>
public static class UpdateFacts
{
    /// <summary>The person behind the update, if any.</summary>
    public static User? Sender(this Update update) =>
        update.Message?.From ?? update.EditedMessage?.From ?? update.CallbackQuery?.From ?? update.InlineQuery?.From;

    /// <summary>The chat to answer in: the message's, the pressed message's, else the sender's private chat.</summary>
    public static long? ChatId(this Update update) =>
        update.Message?.Chat.Id ?? update.CallbackQuery?.Message?.Chat.Id ?? update.Sender()?.Id;

    public static bool HasFile(this Message m) => m.Video is not null || m.Audio is not null || m.Document is not null || m.Voice is not null;
}
