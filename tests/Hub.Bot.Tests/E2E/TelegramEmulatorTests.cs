using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Bot.Tests.Fakes;
using Hub.Bot.Commands;
using Hub.Bot.Menus;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Pairing;
using Hub.Testing;

namespace Hub.Bot.Tests.E2E;

/// <summary>Hub's bot against telegram-test-api (a real third-party Bot API emulator from npm), on 127.0.0.1.</summary>
public sealed class EmulatorFixture : BotFixture
{
    public const string EmulatorToken = "4242:e2e-emulator-token";
    public const long UserId = 42;
    private Process? _node;

    public Uri Emulator { get; private set; } = null!;
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Telegram:BotToken"] = EmulatorToken,
        ["Telegram:ApiBaseUrl"] = Emulator.AbsoluteUri.TrimEnd('/'),
        ["Telegram:AdminIds"] = UserId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Telegram:EmulatorQuirks"] = "true",
    };

    public override async Task InitializeAsync()
    {
        var dir = await NpmFolder.EnsureAsync("telegram", "telegram-test-api");
        var port = FreePort();
        _node = Process.Start(new ProcessStartInfo("node", ["server.js", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var line = await _node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(line?.StartsWith("listening", StringComparison.Ordinal) == true, "the emulator did not start: " + line);
        Emulator = new Uri($"http://127.0.0.1:{port}/");
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_node is { HasExited: false })
        {
            _node.Kill(entireProcessTree: true);
            await _node.WaitForExitAsync();
        }
        _node?.Dispose();
        Http.Dispose();
    }

    /// <summary>What the user does: POST to the emulator's client side.</summary>
    public async Task UserAsync(string route, object body)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(Emulator, route), body);
        response.EnsureSuccessStatusCode();
    }

    public static object From => new { id = UserId, first_name = "Alice", username = "alice", is_bot = false };
    public static object Chat => new { id = UserId, type = "private" };

    /// <summary>Waits for a bot message in the user's chat (as stored, edits applied) matching <paramref name="match"/>.</summary>
    public async Task<JsonElement> WaitBotMessageAsync(Func<JsonElement, bool> match, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        JsonElement history = default;
        while (DateTime.UtcNow < until)
        {
            using var response = await Http.PostAsJsonAsync(new Uri(Emulator, "getUpdatesHistory"), new { token = EmulatorToken });
            history = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result");
            foreach (var item in history.EnumerateArray())
            {
                if (item.TryGetProperty("message", out var message) && message.TryGetProperty("chat_id", out var chat) && chat.ToString() == UserId.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    && match(item))
                {
                    return item;
                }
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"no bot message: {what}. History: {history}");
    }

    /// <summary>A message's text as the person reads it (an HTML message without its tags, entities decoded).</summary>
    public static string TextOf(JsonElement item)
    {
        var message = item.GetProperty("message");
        var text = message.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "";
        var html = message.TryGetProperty("parse_mode", out var mode) && string.Equals(mode.GetString(), "HTML", StringComparison.OrdinalIgnoreCase);
        return html ? System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(text, "<[^>]+>", "")) : text;
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}

public sealed class TelegramEmulatorTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Start_IsAnswered()
    {
        await fx.UserAsync("sendCommand", new
        {
            botToken = EmulatorFixture.EmulatorToken, from = EmulatorFixture.From, chat = EmulatorFixture.Chat,
            date = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), text = "/start",
            entities = new[] { new { type = "bot_command", offset = 0, length = 6 } },
        });
        var reply = await fx.WaitBotMessageAsync(m => EmulatorFixture.TextOf(m).StartsWith("Hi Alice!", StringComparison.Ordinal), "the /start reply");
        Assert.Contains("Your role: admin.", EmulatorFixture.TextOf(reply), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Url_WithConfirmOff_IsImported_AndItsMessageEndsDone()
    {
        await fx.SetConfirmAsync(BotConfirm.Off);
        fx.Site.MapFile("e2e-auto.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "e2e-auto"), "video/mp4");
        await SendTextAsync(fx.Site.Url("e2e-auto.mp4").AbsoluteUri);
        var done = await fx.WaitBotMessageAsync(m => EmulatorFixture.TextOf(m).StartsWith("✅ Done: e2e-auto", StringComparison.Ordinal), "the finished import");
        Assert.Contains("Library: Videos", EmulatorFixture.TextOf(done), StringComparison.Ordinal);
        Assert.Single(await fx.JobsOfAsync(EmulatorFixture.UserId), j => j.Source!.EndsWith("e2e-auto.mp4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Url_WithConfirmOn_ImportsWhenTheButtonIsPressed()
    {
        await fx.SetConfirmAsync(BotConfirm.On);
        fx.Site.MapFile("e2e-preview.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "e2e-preview"), "video/mp4");
        await SendTextAsync(fx.Site.Url("e2e-preview.mp4").AbsoluteUri);
        var preview = await fx.WaitBotMessageAsync(m => EmulatorFixture.TextOf(m).Contains("Pick, then press Import.", StringComparison.Ordinal)
            && EmulatorFixture.TextOf(m).Contains("e2e-preview", StringComparison.Ordinal), "the preview");
        Assert.True(preview.TryGetProperty("messageId", out _) && preview.GetProperty("message").TryGetProperty("reply_markup", out _), preview.ToString());
        var messageId = preview.GetProperty("messageId").GetInt64();
        var import = preview.GetProperty("message").GetProperty("reply_markup").GetProperty("inline_keyboard").EnumerateArray()
            .SelectMany(r => r.EnumerateArray()).First(b => b.GetProperty("text").GetString() == "✅ Import").GetProperty("callback_data").GetString();

        await fx.UserAsync("sendCallback", new
        {
            botToken = EmulatorFixture.EmulatorToken, from = EmulatorFixture.From,
            message = new { message_id = messageId, chat = EmulatorFixture.Chat }, data = import,
        });
        var done = await fx.WaitBotMessageAsync(m => m.GetProperty("messageId").GetInt64() == messageId
            && EmulatorFixture.TextOf(m).StartsWith("✅ Done: e2e-preview", StringComparison.Ordinal), "the preview message turned into the result");
        Assert.Contains("Library: Videos", EmulatorFixture.TextOf(done), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LinkedBrowser_ItsImportGetsAJobMessage_AndTheCancelButtonThereCancelsIt()
    {
        var owner = (await fx.App.Get<TokenService>().CreateAsync("browser " + Guid.NewGuid().ToString("N")[..6], Roles.User, CancellationToken.None)).Token;
        var code = await fx.App.Get<PairingService>().CreateTelegramCodeAsync(Requester.ForToken(owner), CancellationToken.None);
        await SendCommandAsync("/help");
        var help = await fx.WaitBotMessageAsync(m => EmulatorFixture.TextOf(m).StartsWith("What you can send", StringComparison.Ordinal), "the help");
        Assert.Contains("/link <code>", EmulatorFixture.TextOf(help), StringComparison.Ordinal);
        Assert.Contains(CommandList.Everyone, c => c.Command == "link");

        await SendCommandAsync("/link " + code.Code);
        await fx.WaitBotMessageAsync(m => EmulatorFixture.TextOf(m).StartsWith("Linked: imports", StringComparison.Ordinal), "the link confirmed");

        // Started from the browser with the linked owner's token: held for review, so it stays active until cancelled.
        fx.Site.MapFile("e2e-browser.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "e2e-browser"), "video/mp4");
        var job = await fx.App.Get<ImportService>().ImportAsync(new ImportRequest
        {
            Url = fx.Site.Url("e2e-browser.mp4").AbsoluteUri, Mode = ImportModes.Review, Door = Doors.Extension, RequestedBy = Requester.ForToken(owner).Key,
        }, CancellationToken.None);
        var message = await fx.WaitBotMessageAsync(m => EmulatorFixture.TextOf(m).Contains("🌐 Sent from your browser\nJob " + Texts.ShortId(job.Id), StringComparison.Ordinal),
            "the browser's job in the linked chat");
        var messageId = message.GetProperty("messageId").GetInt64();
        var cancel = Buttons(message).First(b => b.GetProperty("text").GetString()!.Contains("Cancel", StringComparison.Ordinal)).GetProperty("callback_data").GetString();

        await fx.UserAsync("sendCallback", new
        {
            botToken = EmulatorFixture.EmulatorToken, from = EmulatorFixture.From,
            message = new { message_id = messageId, chat = EmulatorFixture.Chat }, data = cancel,
        });
        Assert.Equal(JobStates.Cancelled, (await fx.WaitJobAsync(job.Id)).State);
        var ended = await fx.WaitBotMessageAsync(m => m.GetProperty("messageId").GetInt64() == messageId
            && EmulatorFixture.TextOf(m).StartsWith("✖ Cancelled", StringComparison.Ordinal),
            "the message saying it was cancelled");
        Assert.DoesNotContain(Buttons(ended), b => b.GetProperty("text").GetString()!.Contains("Cancel", StringComparison.Ordinal));
    }

    private static IEnumerable<JsonElement> Buttons(JsonElement item) =>
        item.GetProperty("message").TryGetProperty("reply_markup", out var markup) && markup.ValueKind == JsonValueKind.Object
            && markup.TryGetProperty("inline_keyboard", out var rows)
            ? rows.EnumerateArray().SelectMany(r => r.EnumerateArray()).ToList() : [];

    private Task SendCommandAsync(string text) => fx.UserAsync("sendCommand", new
    {
        botToken = EmulatorFixture.EmulatorToken, from = EmulatorFixture.From, chat = EmulatorFixture.Chat,
        date = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), text,
        entities = new[] { new { type = "bot_command", offset = 0, length = text.Split(' ')[0].Length } },
    });

    private Task SendTextAsync(string text) => fx.UserAsync("sendMessage", new
    {
        botToken = EmulatorFixture.EmulatorToken, from = EmulatorFixture.From, chat = EmulatorFixture.Chat,
        date = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), text,
    });
}
