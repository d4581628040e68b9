using Hub.Bot.Commands;
using Hub.Bot.Telegram;
using Hub.Bot.Tests.Fakes;

namespace Hub.Bot.Tests.Telegram;

public sealed class TelegramJsonTests
{
    [Fact]
    public void TextMessage_Parses_WithEntitiesAndUrls()
    {
        var u = TelegramJson.ParseUpdate(Golden.Read("update-message-text.json"));
        Assert.Equal(815300001, u.UpdateId);
        Assert.Equal("message", u.Kind);
        var m = u.Message!;
        Assert.Equal(42, m.From!.Id);
        Assert.Equal("alice", m.From.Username);
        Assert.Equal("Liddell", m.From.LastName);
        Assert.False(m.From.IsBot);
        Assert.Equal(42, m.Chat.Id);
        Assert.False(m.Chat.IsGroup);
        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 13, 20, TimeSpan.Zero), m.SentAt);
        Assert.Equal(3, m.Entities!.Count);
        Assert.Equal(["https://example.org/v/1", "https://example.com/clip.mp4"], CommandList.Urls(m.Text, m.Entities));
        Assert.Null(CommandList.Parse(m, "hub_test_bot"));
    }

    [Fact]
    public void Command_Parses_WithBotNameAndArguments()
    {
        var m = TelegramJson.ParseUpdate(Golden.Read("update-command.json")).Message!;
        Assert.Equal(("search", "cat videos"), CommandList.Parse(m, "hub_test_bot"));
        // Addressed to another bot in a group: not ours.
        Assert.Null(CommandList.Parse(m, "other_bot"));
    }

    [Theory]
    [InlineData("/start", "start", "")]
    [InlineData("/ADD  https://x.org/a ", "add", "https://x.org/a")]
    [InlineData("/cancel\nab12cd34", "cancel", "ab12cd34")]
    public void Command_WithoutEntities_ParsesFromText(string text, string name, string args) =>
        Assert.Equal((name, args), CommandList.Parse(new Message { Text = text }, null));

    [Fact]
    public void CallbackQuery_Parses_WithMessageAndData()
    {
        var u = TelegramJson.ParseUpdate(Golden.Read("update-callback-query.json"));
        Assert.Equal("callback_query", u.Kind);
        Assert.Equal(42, u.From!.Id);
        var cb = u.CallbackQuery!;
        Assert.Equal("4382bfdwdsb323b2d9", cb.Id);
        Assert.Equal("pv:k3x9q2mab7:go", cb.Data);
        Assert.Equal(103, cb.Message!.MessageId);
        Assert.Equal("pv:k3x9q2mab7:go", cb.Message.ReplyMarkup!.InlineKeyboard[0][0].CallbackData);
    }

    [Fact]
    public void FileMessages_Parse_VideoAudioDocument()
    {
        var video = TelegramJson.ParseUpdate(Golden.Read("update-video.json")).Message!;
        Assert.Equal("BAACAgIAAxkBAAMTZVideoFileId", video.Video!.FileId);
        Assert.Equal(71234, video.Video.FileSize);
        Assert.Equal("clip.mp4", video.Video.FileName);
        Assert.Equal(5, video.Video.Duration);
        Assert.Equal("my clip", video.Caption);

        var audio = TelegramJson.ParseUpdate(Golden.Read("update-audio.json")).Message!.Audio!;
        Assert.Equal(("Tone Band", "A440", 33000L), (audio.Performer, audio.Title, audio.FileSize!.Value));

        var doc = TelegramJson.ParseUpdate(Golden.Read("update-document.json")).Message!.Document!;
        Assert.Equal(("holiday.mkv", 25165824L), (doc.FileName, doc.FileSize!.Value));
    }

    [Fact]
    public void EditedMessage_IsItsOwnKind_WithNoFrom()
    {
        var u = TelegramJson.ParseUpdate(Golden.Read("update-edited-message.json"));
        Assert.Equal("edited_message", u.Kind);
        Assert.Null(u.Message);
        Assert.Equal(1700000100, u.EditedMessage!.EditDate);
        Assert.Equal(42, u.From!.Id);
    }

    [Fact]
    public void MillisecondDates_FromTheEmulator_ReadAsTheSameInstant() =>
        Assert.Equal(TelegramJson.FromUnix(1700000300), TelegramJson.FromUnix(1700000300123).AddMilliseconds(-123));

    [Fact]
    public void Requests_AreSnakeCase_WithoutNulls()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new InlineKeyboardMarkup([[InlineKeyboardButton.Callback("Go", "x:1")]]), TelegramJson.Options);
        Assert.Equal("""{"inline_keyboard":[[{"text":"Go","callback_data":"x:1"}]]}""", json);
    }
}
