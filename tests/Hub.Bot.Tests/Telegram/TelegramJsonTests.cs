using System.Text.Json;
using Hub.Bot.Commands;
using Hub.Bot.Telegram;
using Hub.Bot.Tests.Fakes;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace Hub.Bot.Tests.Telegram;

/// <summary>Saved Bot API updates read with Telegram.Bot's JSON settings (as polling, the webhook and the ledger read them).</summary>
public sealed class TelegramJsonTests
{
    private static Update Parse(string golden) => JsonSerializer.Deserialize<Update>(Golden.Read(golden), JsonBotAPI.Options)!;

    [Fact]
    public void TextMessage_Parses_WithEntitiesAndUrls()
    {
        var u = Parse("update-message-text.json");
        Assert.Equal(815300001, u.Id);
        Assert.Equal(UpdateType.Message, u.Type);
        var m = u.Message!;
        Assert.Equal(42, m.From!.Id);
        Assert.Equal("alice", m.From.Username);
        Assert.Equal("Liddell", m.From.LastName);
        Assert.False(m.From.IsBot);
        Assert.Equal(42, m.Chat.Id);
        Assert.Equal(ChatType.Private, m.Chat.Type);
        Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 20, DateTimeKind.Utc), m.Date);
        Assert.Equal(3, m.Entities!.Length);
        Assert.Equal(["https://example.org/v/1", "https://example.com/clip.mp4"], CommandList.Urls(m.Text, m.Entities));
        Assert.Null(CommandList.Parse(m, "hub_test_bot"));
    }

    [Fact]
    public void Command_Parses_WithBotNameAndArguments()
    {
        var m = Parse("update-command.json").Message!;
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
        var u = Parse("update-callback-query.json");
        Assert.Equal(UpdateType.CallbackQuery, u.Type);
        Assert.Equal(42, u.Sender()!.Id);
        var cb = u.CallbackQuery!;
        Assert.Equal("4382bfdwdsb323b2d9", cb.Id);
        Assert.Equal("pv:k3x9q2mab7:go", cb.Data);
        Assert.Equal(103, cb.Message!.MessageId);
        Assert.Equal(42, u.ChatId());
        Assert.Equal("pv:k3x9q2mab7:go", cb.Message.ReplyMarkup!.InlineKeyboard.First().First().CallbackData);
    }

    [Fact]
    public void FileMessages_Parse_VideoAudioDocument()
    {
        var video = Parse("update-video.json").Message!;
        Assert.True(video.HasFile());
        Assert.Equal("BAACAgIAAxkBAAMTZVideoFileId", video.Video!.FileId);
        Assert.Equal(71234, video.Video.FileSize);
        Assert.Equal("clip.mp4", video.Video.FileName);
        Assert.Equal(5, video.Video.Duration);
        Assert.Equal("my clip", video.Caption);

        var audio = Parse("update-audio.json").Message!.Audio!;
        Assert.Equal(("Tone Band", "A440", 33000L), (audio.Performer, audio.Title, audio.FileSize!.Value));

        var doc = Parse("update-document.json").Message!.Document!;
        Assert.Equal(("holiday.mkv", 25165824L), (doc.FileName, doc.FileSize!.Value));
    }

    [Fact]
    public void EditedMessage_IsItsOwnKind_WithNoMessage()
    {
        var u = Parse("update-edited-message.json");
        Assert.Equal(UpdateType.EditedMessage, u.Type);
        Assert.Null(u.Message);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000100).UtcDateTime, u.EditedMessage!.EditDate);
        Assert.Equal(42, u.Sender()!.Id);
    }

    [Fact]
    public void Updates_RoundTrip_ThroughTheLedgerShape()
    {
        var u = Parse("update-callback-query.json");
        var again = JsonSerializer.Deserialize<Update>(JsonSerializer.Serialize(u, JsonBotAPI.Options), JsonBotAPI.Options)!;
        Assert.Equal((u.Id, u.CallbackQuery!.Data, u.CallbackQuery.Message!.MessageId), (again.Id, again.CallbackQuery!.Data, again.CallbackQuery.Message!.MessageId));
    }

    [Fact]
    public void Requests_AreSnakeCase_WithoutNulls()
    {
        var json = JsonSerializer.Serialize(new InlineKeyboardMarkup([[InlineKeyboardButton.WithCallbackData("Go", "x:1")]]), JsonBotAPI.Options);
        Assert.Equal("""{"inline_keyboard":[[{"text":"Go","callback_data":"x:1"}]]}""", json);
    }
}
