using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Domain.Access;
using Hub.Testing;

namespace Hub.Bot.Tests.E2E;

/// <summary>
/// One conversation against telegram-test-api, as people would have it: the admin starts, a newcomer asks in and is
/// approved, imports a link (the result links its title and the video itself follows), searches, and then a group
/// where only what is addressed to the bot gets an answer. The chat, as it reads in the end (edits applied), is written
/// to tests/Hub.Bot.Tests/bin/…/bot-transcript.md (and to HUB_BOT_TRANSCRIPT when set) for people to read.
/// </summary>
public sealed class TranscriptTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private const long Bob = 43, Group = -100_500;
    private const string BotName = "TestNameBot"; // what the emulator's getMe calls every bot
    private static readonly object BobUser = new { id = Bob, first_name = "Bob", username = "bob", is_bot = false };
    private static readonly object BobChat = new { id = Bob, type = "private" };
    private static readonly object GroupChat = new { id = Group, type = "supergroup", title = "Friends" };

    [Fact]
    public async Task AdminNewcomerAndGroup_ReadLikeAConversation()
    {
        await fx.SetConfirmAsync(BotConfirm.Off);
        var names = new Dictionary<long, string> { [EmulatorFixture.UserId] = "Alice (admin)", [Bob] = "Bob", [Group] = "group “Friends”" };

        await SayAsync(EmulatorFixture.From, EmulatorFixture.Chat, "/start");
        await WaitAsync(EmulatorFixture.UserId, t => t.StartsWith("Hi Alice!", StringComparison.Ordinal), "the admin's welcome");
        await SayAsync(EmulatorFixture.From, EmulatorFixture.Chat, "/settings");
        var own = await WaitAsync(EmulatorFixture.UserId, t => t.StartsWith("👤 Your settings", StringComparison.Ordinal), "the admin's own settings");
        await WaitAsync(EmulatorFixture.UserId, t => t.StartsWith("⚙️ Bot settings", StringComparison.Ordinal), "everyone's defaults");
        await PressAsync(EmulatorFixture.From, EmulatorFixture.Chat, own, "Notices on");
        await WaitAsync(EmulatorFixture.UserId, t => t.Contains("Notices about the inbox, approved items and failures: on", StringComparison.Ordinal), "notices on");

        // A newcomer writes; the admin approves with the card's button.
        await SayAsync(BobUser, BobChat, "hi, can I use this?");
        await WaitAsync(Bob, t => t.Contains("An admin needs to approve you", StringComparison.Ordinal), "the newcomer told to wait");
        var card = await WaitAsync(EmulatorFixture.UserId, t => t.Contains("wants to use the bot", StringComparison.Ordinal), "the approval card");
        await PressAsync(EmulatorFixture.From, EmulatorFixture.Chat, card, "✅ Approve");
        await WaitAsync(Bob, t => t.StartsWith("You're in!", StringComparison.Ordinal), "the newcomer let in");

        // Bob imports a link: the result links the title, and the video itself follows (the emulator's stand-in records it).
        var clip = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "transcript");
        fx.Site.MapFile("holiday-clip.mp4", clip, "video/mp4");
        await SayAsync(BobUser, BobChat, fx.Site.Url("holiday-clip.mp4").AbsoluteUri);
        var done = await WaitAsync(Bob, t => t.StartsWith("✅ Done: holiday-clip", StringComparison.Ordinal), "Bob's result");
        Assert.Contains("<a href=\"http://hub.test/s/", done.GetProperty("message").GetProperty("text").GetString(), StringComparison.Ordinal);
        await WaitAsync(Bob, t => t.StartsWith("[🎬 video: holiday-clip · 5 s · 320×240 · cover · streams]", StringComparison.Ordinal), "the video itself");
        await SayAsync(BobUser, BobChat, "/search holiday");
        await WaitAsync(Bob, t => t.StartsWith("🔎 “holiday”", StringComparison.Ordinal), "Bob's search");
        await SayAsync(BobUser, BobChat, "/settings");
        await WaitAsync(Bob, t => t.StartsWith("👤 Your settings", StringComparison.Ordinal), "Bob's own settings");

        // In a group, chatter and other bots' commands get nothing; a link that mentions the bot is imported there;
        // a private list asked for in the group goes to the private chat.
        await SayAsync(BobUser, GroupChat, "look what I found yesterday");
        await SayAsync(BobUser, GroupChat, "/help@OtherBot");
        fx.Site.MapFile("beach.mp4", await TestMedia.VariantAsync(clip, "transcript-group"), "video/mp4");
        var mention = "@" + BotName + " " + fx.Site.Url("beach.mp4").AbsoluteUri;
        await SayAsync(BobUser, GroupChat, mention,
            [new { type = "mention", offset = 0, length = BotName.Length + 1 }, new { type = "url", offset = BotName.Length + 2, length = mention.Length - BotName.Length - 2 }]);
        await WaitAsync(Group, t => t.StartsWith("✅ Done: beach", StringComparison.Ordinal), "the group's result");
        await SayAsync(BobUser, GroupChat, "/jobs@" + BotName);
        await WaitAsync(Group, t => t.Contains("I've sent that to you in a private chat", StringComparison.Ordinal), "the group told where the list went");
        await WaitAsync(Bob, t => t.Contains("no imports in progress", StringComparison.Ordinal), "Bob's jobs in private");

        var transcript = await RenderAsync(names);
        Assert.DoesNotContain("look what I found yesterday\n\n**Hub", transcript, StringComparison.Ordinal); // chatter got no answer
        var path = Environment.GetEnvironmentVariable("HUB_BOT_TRANSCRIPT") is { Length: > 0 } p ? p : Path.Combine(AppContext.BaseDirectory, "bot-transcript.md");
        await File.WriteAllTextAsync(path, transcript);
    }

    private async Task SayAsync(object from, object chat, string text, object[]? entities = null)
    {
        if (entities is null && text.StartsWith('/'))
        {
            var end = text.IndexOf(' ', StringComparison.Ordinal);
            entities = [new { type = "bot_command", offset = 0, length = end < 0 ? text.Length : end }];
        }
        else if (entities is null && text.StartsWith("http", StringComparison.Ordinal))
        {
            entities = [new { type = "url", offset = 0, length = text.Length }];
        }
        await fx.UserAsync("sendMessage", new
        {
            botToken = EmulatorFixture.EmulatorToken, from, chat, date = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), text, entities = entities ?? [],
        });
        await Task.Delay(150); // people do not type faster than this; keeps the history in the order they wrote
    }

    private Task PressAsync(object from, object chat, JsonElement message, string label)
    {
        var data = message.GetProperty("message").GetProperty("reply_markup").GetProperty("inline_keyboard").EnumerateArray()
            .SelectMany(r => r.EnumerateArray()).First(b => b.GetProperty("text").GetString() == label).GetProperty("callback_data").GetString();
        return fx.UserAsync("sendCallback", new
        {
            botToken = EmulatorFixture.EmulatorToken, from, message = new { message_id = message.GetProperty("messageId").GetInt64(), chat }, data,
        });
    }

    private async Task<JsonElement> WaitAsync(long chatId, Func<string, bool> match, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            foreach (var item in (await HistoryAsync()).Where(i => IsBot(i) && ChatOf(i) == chatId))
            {
                if (match(EmulatorFixture.TextOf(item)))
                {
                    return item;
                }
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"no bot message: {what}. History: {string.Join(" | ", (await HistoryAsync()).Where(i => i.TryGetProperty("message", out _)).Select(i => ChatOf(i) + ": " + EmulatorFixture.TextOf(i)))}");
    }

    private async Task<List<JsonElement>> HistoryAsync()
    {
        using var response = await fx.Http.PostAsJsonAsync(new Uri(fx.Emulator, "getUpdatesHistory"), new { token = EmulatorFixture.EmulatorToken });
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").EnumerateArray().Select(e => e.Clone())];
    }

    private static bool IsBot(JsonElement item) => item.TryGetProperty("message", out var m) && m.TryGetProperty("chat_id", out _);

    private static bool IsPress(JsonElement item) => item.TryGetProperty("callbackQuery", out _);

    private static long ChatOf(JsonElement item)
    {
        var m = IsPress(item) ? item.GetProperty("callbackQuery").GetProperty("message") : item.GetProperty("message");
        return long.Parse((m.TryGetProperty("chat_id", out var c) ? c : m.GetProperty("chat").GetProperty("id")).ToString(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The whole history in the order it happened, per chat as a person reads it: who wrote, what, which buttons.</summary>
    private async Task<string> RenderAsync(Dictionary<long, string> names)
    {
        var history = (await HistoryAsync()).OrderBy(i => i.GetProperty("time").GetInt64()).ThenBy(i => i.GetProperty("updateId").GetInt64()).ToList();
        var sb = new StringBuilder("# Hub bot: one conversation (generated)\n\n")
            .Append("Generated by `TranscriptTests` against telegram-test-api 4.2.1 with the stand-in for sendVideo/sendAudio. ")
            .Append("Each bot message is shown as it finally reads (live progress edits are applied in place), HTML as the person sees it, ")
            .Append("links behind words as [words](url); buttons in brackets.\n");
        long? lastChat = null;
        foreach (var item in history)
        {
            var chat = ChatOf(item);
            if (chat != lastChat)
            {
                sb.Append("\n## In ").Append(chat == EmulatorFixture.UserId ? "Alice's private chat (admin)" : names.GetValueOrDefault(chat, chat.ToString(System.Globalization.CultureInfo.InvariantCulture)) + (chat > 0 ? "'s private chat" : "")).Append("\n\n");
                lastChat = chat;
            }
            if (IsPress(item))
            {
                var cb = item.GetProperty("callbackQuery");
                sb.Append("*(").Append(cb.GetProperty("from").GetProperty("first_name").GetString()).Append(" presses ")
                    .Append(LabelOf(history, cb.GetProperty("data").GetString())).Append(")*\n\n");
                continue;
            }
            if (!item.TryGetProperty("message", out var m))
            {
                continue;
            }
            var who = IsBot(item) ? "Hub" : m.GetProperty("from").GetProperty("first_name").GetString();
            sb.Append("**").Append(who).Append(":** ").Append(Readable(item).Replace("\n", "  \n", StringComparison.Ordinal)).Append('\n');
            if (m.TryGetProperty("reply_markup", out var markup) && markup.ValueKind == JsonValueKind.Object && markup.TryGetProperty("inline_keyboard", out var rows))
            {
                foreach (var row in rows.EnumerateArray())
                {
                    sb.Append("  ").Append(string.Join(" ", row.EnumerateArray().Select(b => "[" + b.GetProperty("text").GetString() + "]"))).Append('\n');
                }
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string LabelOf(List<JsonElement> history, string? data) =>
        history.Where(i => i.TryGetProperty("message", out var m) && m.TryGetProperty("reply_markup", out var r) && r.ValueKind == JsonValueKind.Object
                && r.TryGetProperty("inline_keyboard", out _))
            .SelectMany(i => i.GetProperty("message").GetProperty("reply_markup").GetProperty("inline_keyboard").EnumerateArray().SelectMany(r => r.EnumerateArray()))
            .Where(b => b.TryGetProperty("callback_data", out var d) && d.GetString() == data)
            .Select(b => "[" + b.GetProperty("text").GetString() + "]").FirstOrDefault() ?? "a button";

    /// <summary>An HTML message with its links as Markdown links and its escapes undone; other texts as they are.</summary>
    private static string Readable(JsonElement item)
    {
        var m = item.GetProperty("message");
        var text = m.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "";
        if (!(m.TryGetProperty("parse_mode", out var mode) && string.Equals(mode.GetString(), "HTML", StringComparison.OrdinalIgnoreCase)))
        {
            return text;
        }
        text = System.Text.RegularExpressions.Regex.Replace(text, "<a href=\"([^\"]*)\">(.*?)</a>", x => $"[{x.Groups[2].Value}]({x.Groups[1].Value})");
        return System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(text, "<[^>]+>", ""));
    }
}
