using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using ModelContextProtocol.Client;
using static Microsoft.Playwright.Assertions;

namespace Hub.Extension.Tests;

/// <summary>The browser fixture with Hub's bot talking to telegram-test-api (npm), the Telegram user 42 an admin.</summary>
public sealed class FourDoorsFixture : BrowserFixture
{
    public const string BotToken = "4343:four-doors-token";
    public const long UserId = 42;
    public static readonly TimeSpan EditInterval = TimeSpan.FromMilliseconds(500);
    private Process? _node;

    public Uri Emulator { get; private set; } = null!;
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    protected override async Task<IDictionary<string, string?>> ExtraEnvironmentAsync()
    {
        var dir = await NpmFolder.EnsureAsync("telegram", "telegram-test-api");
        var port = HubProcess.FreePort();
        _node = Process.Start(new ProcessStartInfo("node", ["server.js", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var line = await _node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(line?.StartsWith("listening", StringComparison.Ordinal) == true, "the emulator did not start: " + line);
        Emulator = new Uri($"http://127.0.0.1:{port}/");
        return new Dictionary<string, string?>
        {
            ["Telegram__BotToken"] = BotToken,
            ["Telegram__ApiBaseUrl"] = Emulator.AbsoluteUri.TrimEnd('/'),
            ["Telegram__AdminIds__0"] = UserId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Telegram__EmulatorQuirks"] = "true",
            ["Telegram__PollTimeoutSeconds"] = "1",
            ["Telegram__PerChatInterval"] = "00:00:00.2",
            ["Telegram__ProgressEditInterval"] = "00:00:00.5",
            ["Hub__Jobs__ProgressSaveInterval"] = "00:00:00.2",
        };
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

    public async Task UserAsync(string route, object body)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(Emulator, route), body);
        response.EnsureSuccessStatusCode();
    }

    public Task CommandAsync(string text) => UserAsync("sendCommand", new
    {
        botToken = BotToken, from = new { id = UserId, first_name = "Alice", username = "alice", is_bot = false },
        chat = new { id = UserId, type = "private" }, date = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), text,
        entities = new[] { new { type = "bot_command", offset = 0, length = text.Split(' ')[0].Length } },
    });

    /// <summary>The bot's messages in the user's chat, edits applied.</summary>
    public async Task<List<JsonElement>> HistoryAsync()
    {
        using var response = await Http.PostAsJsonAsync(new Uri(Emulator, "getUpdatesHistory"), new { token = BotToken });
        var all = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result");
        return [.. all.EnumerateArray().Where(i => i.TryGetProperty("message", out var m) && m.TryGetProperty("chat_id", out var c) && c.ToString() == "42")];
    }

    public static string TextOf(JsonElement item) =>
        System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(
            item.GetProperty("message").TryGetProperty("text", out var t) ? t.GetString() ?? "" : "", "<[^>]+>", ""));
}

/// <summary>
/// One job, four doors: an import sent from the popup is watched at once through the job's SSE stream, the Telegram
/// job message (the browser's token linked to the chat with /link), MCP get_job and the popup itself. They go through
/// the same states, each within a second of the stream (Telegram: its edit interval plus a second); a cancel pressed in
/// Telegram shows as cancelled in the other three.
/// </summary>
public sealed class FourDoorsTests(FourDoorsFixture fx) : IClassFixture<FourDoorsFixture>
{
    private static readonly TimeSpan Sampling = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan Target = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LiveBound = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task OneJobFourDoors_AgreeFromQueuedToCompleted_AndABotCancelShowsEverywhere()
    {
        var (token, _) = await fx.CreateTokenAsync("user");
        var user = fx.Client(token);
        var link = await (await user.PostAsync("/api/v1/pairing/telegram", null)).Content.ReadFromJsonAsync<JsonElement>();
        await fx.CommandAsync("/link " + link.GetProperty("code").GetString());
        await WaitAsync(async () => (await fx.HistoryAsync()).Any(m => FourDoorsFixture.TextOf(m).StartsWith("Linked: imports", StringComparison.Ordinal)), "the link");
        await fx.SetStorageAsync(new { connection = await fx.ConnectionAsync(token), defaults = new { library = "", format = "", mode = "auto" } });
        await using var mcp = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(fx.HubUrl + "/mcp"), TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
        }, NullLoggerFactory.Instance), loggerFactory: NullLoggerFactory.Instance);

        await mcp.CallToolAsync("list_jobs", new Dictionary<string, object?>()); // warm: the first call pays for start-up, not the job

        // A job that completes.
        fx.Site.MapFile("four-fast.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "four-fast"), "video/mp4");
        var done = await SendAndWatchAsync("four-fast.mp4", user, mcp, cancelFromBot: false);
        AssertAgree(done, "completed");

        // A job that is still downloading when the person cancels it in Telegram.
        var bytes = await File.ReadAllBytesAsync(await TestMedia.VariantAsync(await TestMedia.BigVideoAsync(), "four-slow"));
        fx.Site.Map("four-slow.mp4", async ctx =>
        {
            ctx.Response.ContentType = "video/mp4";
            ctx.Response.ContentLength = bytes.Length;
            if (HttpMethods.IsHead(ctx.Request.Method)) return;
            for (var pos = 0; pos < bytes.Length; pos += 16 * 1024)
            {
                await ctx.Response.Body.WriteAsync(bytes.AsMemory(pos, Math.Min(16 * 1024, bytes.Length - pos)), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                await Task.Delay(100, ctx.RequestAborted); // about 160 KB/s: some 20 s for the file
            }
        });
        var cancelled = await SendAndWatchAsync("four-slow.mp4", user, mcp, cancelFromBot: true);
        AssertAgree(cancelled, "cancelled");
        Assert.Contains("downloading", cancelled["sse"].Select(s => s.State));
    }

    private async Task<Dictionary<string, List<(string State, DateTime At)>>> SendAndWatchAsync(string file, HttpClient user, McpClient mcp, bool cancelFromBot)
    {
        var page = $"four-{Path.GetFileNameWithoutExtension(file)}.html";
        var fileUrl = fx.Site.Url(file).AbsoluteUri;
        fx.Site.MapText(page, $"<!doctype html><title>Four doors</title><video src=\"{file}\" preload=\"none\"></video>");
        var (_, tabId) = await fx.OpenTabAsync(fx.Site.Url(page).AbsoluteUri);
        var popup = await fx.OpenExtensionPageAsync($"popup/popup.html?tab={tabId}");
        await Expect(popup.Locator($"#found input[value='{fileUrl}']")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await popup.CheckAsync($"#found input[value='{fileUrl}']");
        // The popup's own record of when its state changed (its clock is this machine's): reading the page every few
        // milliseconds over the DevTools protocol would add that round trip, slow on a loaded machine, to the popup's lag.
        await popup.EvaluateAsync(@"() => {
            window.__states = [];
            const el = document.querySelector('#job-state');
            new MutationObserver(() => {
                const s = el.dataset.state;
                if (s && (window.__states.length === 0 || window.__states[window.__states.length - 1][0] !== s)) window.__states.push([s, Date.now()]);
            }).observe(el, { attributes: true, attributeFilter: ['data-state'] });
        }");
        await popup.ClickAsync("#send");
        var sent = await WaitForAsync(async () =>
            (await user.GetFromJsonAsync<JsonElement>("/api/v1/jobs?door=extension")).GetProperty("items").EnumerateArray()
                .Where(j => j.GetProperty("source").GetString() == fileUrl).Select(j => j.GetProperty("id").GetGuid()).FirstOrDefault(), "the job");
        var shortId = sent.ToString("N")[^8..]; // as the bot shows it (Texts.ShortId)

        var seen = new Dictionary<string, List<(string State, DateTime At)>> { ["sse"] = [], ["telegram"] = [], ["mcp"] = [], ["popup"] = [] };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var sse = Task.Run(() => WatchSseAsync(user, sent, seen["sse"], stop.Token));
        long messageId = 0;
        var telegram = Task.Run(() => PollAsync(seen["telegram"], async () => { var h = await fx.HistoryAsync(); return TelegramState(h, shortId, ref messageId); }, stop.Token));
        var viaMcp = Task.Run(() => PollAsync(seen["mcp"], async () =>
        {
            var result = await mcp.CallToolAsync("get_job", new Dictionary<string, object?> { ["job_id"] = sent });
            return result.StructuredContent?.GetProperty("state").GetString();
        }, stop.Token));
        var inPopup = Task.Run(() => WatchPopupAsync(popup, seen["popup"], stop.Token));

        if (cancelFromBot)
        {
            await WaitAsync(() => Task.FromResult(seen["telegram"].Any(s => s.Item1 == "downloading")), "Telegram to show the download");
            var message = (await fx.HistoryAsync()).Last(m => m.GetProperty("messageId").GetInt64() == Volatile.Read(ref messageId));
            var cancel = message.GetProperty("message").GetProperty("reply_markup").GetProperty("inline_keyboard").EnumerateArray()
                .SelectMany(r => r.EnumerateArray()).First(b => b.GetProperty("text").GetString()!.Contains("Cancel", StringComparison.Ordinal))
                .GetProperty("callback_data").GetString();
            await fx.UserAsync("sendCallback", new
            {
                botToken = FourDoorsFixture.BotToken, from = new { id = FourDoorsFixture.UserId, first_name = "Alice", is_bot = false },
                message = new { message_id = message.GetProperty("messageId").GetInt64(), chat = new { id = FourDoorsFixture.UserId, type = "private" } },
                data = cancel,
            });
        }
        await Task.WhenAll(sse, telegram, viaMcp, inPopup);
        // The stream starts at the job's state when it connects; a job that left "queued" before that still showed
        // "queued" at the doors that read it earlier (or, like Telegram, redraw at their interval). The transitions
        // before the stream's first state come from the job's history, with the server's time of each.
        var history = await user.GetFromJsonAsync<List<JsonElement>>($"/api/v1/jobs/{sent}/events");
        var sseSeen = seen["sse"];
        var firstOnStream = sseSeen.Count == 0 ? -1 : history!.FindIndex(e => e.GetProperty("toState").GetString() == sseSeen[0].State);
        if (firstOnStream > 0)
        {
            sseSeen.InsertRange(0, history!.Take(firstOnStream).Where(e => e.GetProperty("toState").GetString() is not null)
                .Select(e => (e.GetProperty("toState").GetString()!, e.GetProperty("at").GetDateTimeOffset().UtcDateTime)));
        }
        if (seen["telegram"].Count == 0)
        {
            Console.WriteLine("telegram history: " + string.Join(" || ", (await fx.HistoryAsync()).Select(FourDoorsFixture.TextOf)));
            Console.WriteLine("hub log: " + string.Join("\n", fx.Hub.Stdout.Split('\n').Where(l => l.Contains("browser", StringComparison.OrdinalIgnoreCase)
                || l.Contains("linked", StringComparison.OrdinalIgnoreCase) || l.Contains("fail", StringComparison.OrdinalIgnoreCase))));
        }
        foreach (var (door, states) in seen)
        {
            Console.WriteLine($"{door,-9} " + string.Join(" → ", states.Select(s => $"{s.Item1}@{s.Item2:HH:mm:ss.fff}")));
        }
        return seen;
    }

    /// <summary>
    /// Every door ends in <paramref name="final"/>, goes through states in the stream's order, and shows each live: the lag
    /// behind the stream is printed against the one-second target and asserted within <see cref="LiveBound"/>.
    /// </summary>
    private static void AssertAgree(Dictionary<string, List<(string State, DateTime At)>> seen, string final)
    {
        var reference = seen["sse"];
        Assert.Equal(final, reference[^1].State);
        foreach (var door in new[] { "telegram", "mcp", "popup" })
        {
            var states = seen[door];
            Assert.True(states.Count > 0 && states[^1].State == final, $"{door} ended {string.Join(",", states.Select(s => s.State))}");
            var at = 0;
            foreach (var (state, when) in states.Where(s => s.At >= reference[0].At))
            {
                var i = reference.FindIndex(at, r => r.State == state);
                Assert.True(i >= 0, $"{door} showed {state}, not (or not in this order) on the stream: {string.Join(",", reference.Select(r => r.State))}");
                at = i;
                var lag = when - reference[i].At;
                Console.WriteLine($"{door,-9} {state,-12} {lag.TotalMilliseconds,6:0} ms after the stream (target {(Target + (door == "telegram" ? FourDoorsFixture.EditInterval : TimeSpan.Zero)).TotalMilliseconds:0})");
                // The target (a second; Telegram: plus its edit interval) is printed, not asserted: these times are taken
                // by this test process sampling four doors, which a loaded CI machine delays by itself. What is asserted
                // is that each door follows live, well before a door that refreshed only now and then would.
                var bound = LiveBound + Sampling + (door == "telegram" ? FourDoorsFixture.EditInterval : TimeSpan.Zero);
                Assert.True(lag <= bound, $"{door} showed {state} {lag.TotalMilliseconds:0} ms after the stream (allowed {bound.TotalMilliseconds:0})");
            }
        }
    }

    /// <summary>The state the job's Telegram message shows; the message is found by the job id it names while running.</summary>
    private static string? TelegramState(List<JsonElement> history, string shortId, ref long messageId)
    {
        if (messageId == 0)
        {
            var first = history.FirstOrDefault(m => FourDoorsFixture.TextOf(m).Contains("🌐 Sent from your browser\nJob " + shortId, StringComparison.Ordinal));
            if (first.ValueKind == JsonValueKind.Undefined) return null;
            messageId = first.GetProperty("messageId").GetInt64();
        }
        var id = messageId;
        var message = history.LastOrDefault(m => m.GetProperty("messageId").GetInt64() == id);
        if (message.ValueKind == JsonValueKind.Undefined) return null;
        var text = FourDoorsFixture.TextOf(message);
        if (text.StartsWith("✅", StringComparison.Ordinal)) return "completed";
        if (text.StartsWith("✖ Cancelled", StringComparison.Ordinal)) return "cancelled";
        if (text.StartsWith("❌", StringComparison.Ordinal)) return "failed";
        string[] running = ["Queued:", "Looking at:", "Waiting for an admin", "Downloading:", "Processing:", "Retrying:", "Stalled:"];
        string[] states = ["queued", "probing", "awaiting_review", "downloading", "processing", "retrying", "stalled"];
        var line = text.Split('\n')[0];
        for (var i = 0; i < running.Length; i++)
        {
            if (line.Contains(running[i], StringComparison.Ordinal)) return states[i];
        }
        return null;
    }

    private async Task WatchSseAsync(HttpClient user, Guid id, List<(string, DateTime)> seen, CancellationToken ct)
    {
        try
        {
            await ReadSseAsync(user, id, seen, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private static async Task ReadSseAsync(HttpClient user, Guid id, List<(string, DateTime)> seen, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/jobs/{id}/stream");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await user.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal)) continue;
            var state = JsonDocument.Parse(line[5..]).RootElement.GetProperty("state").GetString()!;
            Record(seen, state);
            if (state is "completed" or "failed" or "cancelled") return;
        }
    }

    /// <summary>Reads a door until it shows a final state, or the watch ends (what was seen is then judged).</summary>
    private static async Task PollAsync(List<(string, DateTime)> seen, Func<Task<string?>> read, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (await read() is { } state)
                {
                    Record(seen, state);
                    if (state is "completed" or "failed" or "cancelled") return;
                }
                await Task.Delay(Sampling / 3, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Collects the states the popup recorded itself, each with the time it showed it.</summary>
    private static async Task WatchPopupAsync(IPage popup, List<(string State, DateTime At)> seen, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var states = await popup.EvaluateAsync<JsonElement>("() => window.__states");
                lock (seen)
                {
                    seen.Clear();
                    seen.AddRange(states.EnumerateArray().Select(s =>
                        (s[0].GetString()!, DateTimeOffset.FromUnixTimeMilliseconds((long)s[1].GetDouble()).UtcDateTime)));
                }
                if (seen.Count > 0 && seen[^1].State is "completed" or "failed" or "cancelled") return;
                await Task.Delay(Sampling / 3, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private static void Record(List<(string State, DateTime At)> seen, string state)
    {
        lock (seen)
        {
            if (seen.Count == 0 || seen[^1].State != state) seen.Add((state, DateTime.UtcNow));
        }
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            var value = await read();
            if (!EqualityComparer<T>.Default.Equals(value, default)) return value;
            await Task.Delay(100);
        }
        throw new TimeoutException("waited in vain for " + what);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("waited in vain for " + what);
            await Task.Delay(100);
        }
    }
}
