using System.Diagnostics;
using Hub.Bot.Telegram;
using Hub.Bot.Tests.Fakes;
using Hub.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Bot.Tests.Telegram;

/// <summary>The client against saved Bot API replies served on 127.0.0.1, and against the scripted fake API.</summary>
public sealed class TelegramClientTests : IAsyncLifetime
{
    private const string Token = FakeBotApi.Token;
    private LoopbackServer _site = null!;
    private readonly TestLog _log = new();

    public async Task InitializeAsync() => _site = await LoopbackServer.StartAsync();

    public async Task DisposeAsync() => await _site.DisposeAsync();

    private TelegramClient Client(string baseUrl, bool local = false) => new(
        Options.Create(new TelegramOptions { BotToken = Token, ApiBaseUrl = baseUrl, LocalApiServer = local }), TimeProvider.System,
        LoggerFactory.Create(b => b.AddProvider(_log)).CreateLogger<TelegramClient>());

    private string Serve(string method, string golden, int status = 200)
    {
        _site.MapText($"bot{Token}/{method}", Golden.Read(golden), "application/json", status);
        return _site.BaseUri.AbsoluteUri.TrimEnd('/');
    }

    [Fact]
    public async Task GetUpdates_ReadsEveryUpdate_InOrder()
    {
        using var client = Client(Serve("getUpdates", "getupdates-reply.json"));
        var updates = await client.GetUpdatesAsync(0, 0, CancellationToken.None);
        Assert.Equal([815300010L, 815300011L], updates.Select(u => u.UpdateId));
        Assert.Equal("/start", updates[0].Message!.Text);
        Assert.Equal("jc:0123456789abcdef0123456789abcdef", updates[1].CallbackQuery!.Data);
        Assert.Null(updates[1].CallbackQuery!.Message);
    }

    [Fact]
    public async Task SendMessage_ReturnsTheMessage_WithButtons()
    {
        using var client = Client(Serve("sendMessage", "sendmessage-reply.json"));
        var m = await client.SendMessageAsync(42, "hello", null, CancellationToken.None);
        Assert.Equal(555, m.MessageId);
        Assert.True(m.From!.IsBot);
        Assert.Equal("https://example.org/", m.ReplyMarkup!.InlineKeyboard[0][0].Url);
        Assert.Equal("x:1", m.ReplyMarkup.InlineKeyboard[0][1].CallbackData);
    }

    [Fact]
    public async Task GetFile_ReadsThePath()
    {
        using var client = Client(Serve("getFile", "getfile-reply.json"));
        var f = await client.GetFileAsync("BAACAgIAAxkBAAMTZVideoFileId", CancellationToken.None);
        Assert.Equal(("videos/file_12.mp4", 71234L), (f.FilePath, f.FileSize!.Value));
    }

    [Fact]
    public async Task ErrorReply_IsATypedException_WithCodeAndDescription_AndNoToken()
    {
        using var client = Client(Serve("editMessageText", "error-bad-request.json", 400));
        var ex = await Assert.ThrowsAsync<TelegramApiException>(() => client.EditMessageTextAsync(42, 1, "same", null, CancellationToken.None));
        Assert.Equal(400, ex.ErrorCode);
        Assert.True(ex.IsNotModified);
        Assert.Equal("editMessageText", ex.Method);
        Assert.DoesNotContain(Token, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unauthorized_IsA401()
    {
        using var client = Client(Serve("getMe", "error-unauthorized.json", 401));
        var ex = await Assert.ThrowsAsync<TelegramApiException>(() => client.GetMeAsync(CancellationToken.None));
        Assert.Equal((401, "Unauthorized"), (ex.ErrorCode, ex.Description));
    }

    [Fact]
    public async Task QueryTooOld_IsRecognised()
    {
        using var client = Client(Serve("answerCallbackQuery", "error-query-too-old.json", 400));
        var ex = await Assert.ThrowsAsync<TelegramApiException>(() => client.AnswerCallbackQueryAsync("q", null, false, CancellationToken.None));
        Assert.True(ex.IsQueryTooOld);
    }

    [Fact]
    public async Task EmulatorQuirks_AreTolerated()
    {
        Serve("sendMessage", "emulator-sendmessage-reply.json");
        Serve("getMe", "emulator-getme-reply.json");
        Serve("editMessageText", "emulator-edit-reply.json");
        using var client = Client(Serve("sendDocument", "emulator-unsupported-500.json", 500));

        var sent = await client.SendMessageAsync(42, "hello", null, CancellationToken.None);
        Assert.Equal(7, sent.MessageId);
        Assert.Null(sent.From);
        Assert.Equal(2023, sent.SentAt.Year);
        var me = await client.GetMeAsync(CancellationToken.None);
        Assert.Equal(("Test_bot", false), (me.Username, me.IsBot));
        await client.EditMessageTextAsync(42, 7, "new", null, CancellationToken.None); // result null: no error

        var file = Path.Combine(Path.GetTempPath(), "hub-bot-doc-" + Guid.NewGuid().ToString("N") + ".txt");
        await File.WriteAllTextAsync(file, "x");
        try
        {
            var ex = await Assert.ThrowsAsync<TelegramApiException>(() => client.SendDocumentAsync(42, file, null, CancellationToken.None));
            Assert.Equal(500, ex.ErrorCode);
            Assert.Contains("not supported", ex.Description, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task TooManyRequests_IsWaitedOut_ThenSucceeds()
    {
        await using var api = await FakeBotApi.StartAsync();
        api.RateLimitNext("sendMessage", 1);
        using var client = Client(api.BaseUrl);
        var watch = Stopwatch.StartNew();
        var m = await client.SendMessageAsync(42, "after the wait", null, CancellationToken.None);
        watch.Stop();
        Assert.True(m.MessageId > 0);
        Assert.Equal(1, client.RateLimitWaits);
        var calls = api.CallsOf("sendMessage");
        Assert.Equal(2, calls.Count);
        // The retry came after retry_after (1 s), measured at the server.
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromMilliseconds(950), $"retried after {(calls[1].At - calls[0].At).TotalMilliseconds} ms");
        Assert.Contains(_log.Lines, l => l.Contains("slow down", StringComparison.Ordinal));
        Assert.DoesNotContain(Token, _log.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooManyRequests_Repeatedly_GivesUp_WithThe429()
    {
        await using var api = await FakeBotApi.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            api.RateLimitNext("sendChatAction", 1);
        }
        using var client = Client(api.BaseUrl);
        var ex = await Assert.ThrowsAsync<TelegramApiException>(() => client.SendChatActionAsync(42, "typing", CancellationToken.None));
        Assert.True(ex.IsRateLimited);
        Assert.Equal(1, ex.RetryAfter);
        Assert.Equal(4, api.CallsOf("sendChatAction").Count);
    }

    [Fact]
    public async Task NetworkFailure_IsRedacted()
    {
        // A port nobody listens on: the connection is refused.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = Client($"http://127.0.0.1:{port}");
        var ex = await Assert.ThrowsAsync<TelegramNetworkException>(() => client.GetMeAsync(CancellationToken.None));
        Assert.DoesNotContain(Token, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("/bot", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileDownload_StreamsTheBytes_AndRefusesMoreThanTheLimit()
    {
        await using var api = await FakeBotApi.StartAsync();
        var video = await TestMedia.VideoAsync();
        api.AddFile("vid1", video);
        using var client = Client(api.BaseUrl);
        var f = await client.GetFileAsync("vid1", CancellationToken.None);
        using var target = new MemoryStream();
        var n = await client.DownloadFileAsync(f.FilePath!, target, 10_000_000, CancellationToken.None);
        Assert.Equal(await File.ReadAllBytesAsync(video), target.ToArray());
        Assert.Equal(n, target.Length);

        var ex = await Assert.ThrowsAsync<TelegramApiException>(() => client.DownloadFileAsync(f.FilePath!, new MemoryStream(), 1000, CancellationToken.None));
        Assert.Equal(413, ex.ErrorCode);
    }

    [Fact]
    public async Task Upload_IsMultipart_WithTheWholeFile()
    {
        await using var api = await FakeBotApi.StartAsync();
        var video = await TestMedia.VideoAsync();
        using var client = Client(api.BaseUrl);
        var m = await client.SendVideoAsync(42, video, "clip", CancellationToken.None);
        Assert.True(m.MessageId > 0);
        var call = Assert.Single(api.CallsOf("sendVideo"));
        Assert.Equal(new FileInfo(video).Length, call.UploadedBytes);
        Assert.Equal(("42", "clip"), (call.Params["chat_id"]!.ToString(), call.Params["caption"]!.ToString()));
    }
}
