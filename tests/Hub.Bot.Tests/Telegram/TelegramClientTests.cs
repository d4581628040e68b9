using Hub.Bot.Telegram;
using Hub.Bot.Tests.Fakes;
using Hub.Testing;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types.Enums;

namespace Hub.Bot.Tests.Telegram;

/// <summary>
/// Telegram.Bot's client as Hub registers it, against saved Bot API replies served on 127.0.0.1 and against the
/// scripted fake API: what Hub relies on from the library, and what Hub adds (emulator seam, file limit, no token in logs).
/// </summary>
public sealed class TelegramClientTests : IAsyncLifetime
{
    private const string Token = FakeBotApi.Token;
    private LoopbackServer _site = null!;

    public async Task InitializeAsync() => _site = await LoopbackServer.StartAsync();

    public async Task DisposeAsync() => await _site.DisposeAsync();

    private string Serve(string method, string golden, int status = 200)
    {
        _site.MapText($"bot{Token}/{method}", Golden.Read(golden), "application/json", status);
        return _site.BaseUri.AbsoluteUri.TrimEnd('/');
    }

    [Fact]
    public async Task GetUpdates_ReadsEveryUpdate_InOrder()
    {
        await using var t = new TelegramServices(Serve("getUpdates", "getupdates-reply.json"));
        var updates = await t.Client.GetUpdates(0, timeout: 0);
        Assert.Equal([815300010, 815300011], updates.Select(u => u.Id));
        Assert.Equal("/start", updates[0].Message!.Text);
        Assert.Equal("jc:0123456789abcdef0123456789abcdef", updates[1].CallbackQuery!.Data);
        Assert.Null(updates[1].CallbackQuery!.Message);
    }

    [Fact]
    public async Task SendMessage_ReturnsTheMessage_WithButtons()
    {
        await using var t = new TelegramServices(Serve("sendMessage", "sendmessage-reply.json"));
        var m = await t.Client.SendMessage(42, "hello");
        Assert.Equal(555, m.MessageId);
        Assert.True(m.From!.IsBot);
        Assert.Equal("https://example.org/", m.ReplyMarkup!.InlineKeyboard.First().First().Url);
        Assert.Equal("x:1", m.ReplyMarkup.InlineKeyboard.First().Skip(1).First().CallbackData);
    }

    [Fact]
    public async Task GetFile_ReadsThePath()
    {
        await using var t = new TelegramServices(Serve("getFile", "getfile-reply.json"));
        var f = await t.Client.GetFile("BAACAgIAAxkBAAMTZVideoFileId");
        Assert.Equal(("videos/file_12.mp4", 71234L), (f.FilePath, f.FileSize!.Value));
    }

    [Fact]
    public async Task ErrorReply_IsATypedException_WithCodeAndDescription_AndNoToken()
    {
        await using var t = new TelegramServices(Serve("editMessageText", "error-bad-request.json", 400));
        var ex = await Assert.ThrowsAsync<ApiRequestException>(() => t.Client.EditMessageText(42, 1, "same"));
        Assert.Equal(400, ex.ErrorCode);
        Assert.True(ex.IsNotModified());
        Assert.False(ex.IsMessageGone());
        Assert.DoesNotContain(Token, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unauthorized_IsA401()
    {
        await using var t = new TelegramServices(Serve("getMe", "error-unauthorized.json", 401));
        var ex = await Assert.ThrowsAsync<ApiRequestException>(() => t.Client.GetMe());
        Assert.Equal((401, "Unauthorized"), (ex.ErrorCode, ex.Message));
    }

    [Fact]
    public async Task QueryTooOld_IsRecognised()
    {
        await using var t = new TelegramServices(Serve("answerCallbackQuery", "error-query-too-old.json", 400));
        var ex = await Assert.ThrowsAsync<ApiRequestException>(() => t.Client.AnswerCallbackQuery("q"));
        Assert.True(ex.IsQueryTooOld());
        await t.Sender.AnswerAsync("q", null, CancellationToken.None); // and the sender lets it pass
    }

    [Fact]
    public async Task EmulatorQuirks_AreTolerated_AtTheSeam()
    {
        Serve("sendMessage", "emulator-sendmessage-reply.json");
        Serve("getMe", "emulator-getme-reply.json");
        Serve("editMessageText", "emulator-edit-reply.json");
        Serve("answerCallbackQuery", "emulator-edit-reply.json");
        Serve("sendChatAction", "emulator-edit-reply.json");
        var root = Serve("sendDocument", "emulator-unsupported-500.json", 500);
        await using var t = new TelegramServices(root, new TelegramOptions { EmulatorQuirks = true });

        var sent = await t.Client.SendMessage(42, "hello");
        Assert.Equal(7, sent.MessageId);
        Assert.Null(sent.From);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000300).UtcDateTime, sent.Date); // 1700000300123 ms
        var me = await t.Client.GetMe();
        Assert.Equal(("Test_bot", false), (me.Username, me.IsBot));
        var edited = await t.Client.EditMessageText(42, 7, "new"); // result null: a message built from the request
        Assert.Equal((7, 42L, "new"), (edited.MessageId, edited.Chat.Id, edited.Text));
        await t.Client.AnswerCallbackQuery("q"); // result null: true

        var file = Path.Combine(Path.GetTempPath(), "hub-bot-doc-" + Guid.NewGuid().ToString("N") + ".txt");
        await File.WriteAllTextAsync(file, "x");
        try
        {
            var ex = await Assert.ThrowsAsync<ApiRequestException>(() => t.Sender.SendMediaAsync(42, new MediaUpload(file, "document", null), CancellationToken.None));
            Assert.Equal(501, ex.ErrorCode);
            Assert.Contains("not supported", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task EmulatorReplies_WithoutTheSeam_BreakTheLibrary()
    {
        // Why the seam exists: Telegram.Bot reads dates as seconds and wants an edit's Message.
        Serve("sendMessage", "emulator-sendmessage-reply.json");
        await using var t = new TelegramServices(Serve("editMessageText", "emulator-edit-reply.json"));
        await Assert.ThrowsAsync<RequestException>(() => t.Client.SendMessage(42, "hello"));
        await Assert.ThrowsAsync<RequestException>(() => t.Client.EditMessageText(42, 7, "new"));
    }

    [Fact]
    public async Task NetworkFailure_IsRedacted()
    {
        // A port nobody listens on: the connection is refused.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var t = new TelegramServices($"http://127.0.0.1:{port}");
        var ex = await Assert.ThrowsAsync<RequestException>(() => t.Client.GetMe());
        Assert.DoesNotContain(Token, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("/bot", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, t.Log.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_AreNotLogged_WithTheTokenInTheUrl()
    {
        await using var api = await FakeBotApi.StartAsync();
        await using var t = new TelegramServices(api.BaseUrl);
        await t.Client.GetMe();
        await t.Sender.SendAsync(42, "hello", null, CancellationToken.None);
        Assert.Equal(2, api.Calls.Count);
        Assert.DoesNotContain(Token, t.Log.All, StringComparison.Ordinal);
        Assert.DoesNotContain("/bot", t.Log.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_HaveTheBotApiShape()
    {
        await using var api = await FakeBotApi.StartAsync();
        await using var t = new TelegramServices(api.BaseUrl);
        var m = await t.Sender.SendAsync(42, "hi", new([[global::Telegram.Bot.Types.ReplyMarkups.InlineKeyboardButton.WithCallbackData("Go", "x:1")]]),
            CancellationToken.None);
        await t.Sender.EditAsync(42, m.MessageId, "hi again", null, CancellationToken.None);
        await t.Client.GetUpdates(5, 100, 0, [UpdateType.Message, UpdateType.CallbackQuery]);
        var send = Assert.Single(api.CallsOf("sendMessage"));
        Assert.Equal("""{"chat_id":42,"text":"hi","link_preview_options":{"is_disabled":true},"reply_markup":{"inline_keyboard":[[{"text":"Go","callback_data":"x:1"}]]}}""",
            send.Params.ToJsonString());
        var edit = Assert.Single(api.CallsOf("editMessageText"));
        Assert.Equal((42L, (long)m.MessageId, "hi again"), (edit.ChatId!.Value, edit.MessageId!.Value, edit.Text));
        var poll = Assert.Single(api.CallsOf("getUpdates"));
        Assert.Equal("""{"offset":5,"limit":100,"timeout":0,"allowed_updates":["message","callback_query"]}""", poll.Params.ToJsonString());
    }

    [Fact]
    public async Task FileDownload_StreamsTheBytes_AndRefusesMoreThanTheLimit()
    {
        await using var api = await FakeBotApi.StartAsync();
        var video = await TestMedia.VideoAsync();
        api.AddFile("vid1", video);
        await using var t = new TelegramServices(api.BaseUrl);
        using var target = new MemoryStream();
        var n = await t.Files.DownloadAsync("vid1", target, 10_000_000, CancellationToken.None);
        Assert.Equal(await File.ReadAllBytesAsync(video), target.ToArray());
        Assert.Equal(n, target.Length);

        // getFile reports the size: refused before downloading.
        var ex = await Assert.ThrowsAsync<ApiRequestException>(() => t.Files.DownloadAsync("vid1", new MemoryStream(), 1000, CancellationToken.None));
        Assert.Equal(413, ex.ErrorCode);
        // getFile does not know the size: refused while downloading, past the limit.
        api.AddFile("vid2", video, reportedSize: 0);
        ex = await Assert.ThrowsAsync<ApiRequestException>(() => t.Files.DownloadAsync("vid2", new MemoryStream(), 1000, CancellationToken.None));
        Assert.Equal(413, ex.ErrorCode);
    }

    [Fact]
    public async Task Upload_IsMultipart_WithTheWholeFile()
    {
        await using var api = await FakeBotApi.StartAsync();
        var video = await TestMedia.VideoAsync();
        await using var t = new TelegramServices(api.BaseUrl);
        var m = await t.Sender.SendMediaAsync(42, new MediaUpload(video, "video", "clip"), CancellationToken.None);
        Assert.True(m.MessageId > 0);
        var call = Assert.Single(api.CallsOf("sendVideo"));
        Assert.Equal(new FileInfo(video).Length, call.UploadedBytes);
        Assert.Equal(("42", "clip"), (call.Params["chat_id"]!.ToString(), call.Params["caption"]!.ToString()));
        Assert.Equal("upload_video", Assert.Single(api.CallsOf("sendChatAction")).Params["action"]!.ToString());
    }
}
