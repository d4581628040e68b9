using Hub.Bot.Telegram;
using Hub.Bot.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hub.Bot.Tests.Telegram;

/// <summary>The send limits, measured where they matter: the request times the (fake) Bot API saw.</summary>
public sealed class SendSchedulerTests : IAsyncLifetime
{
    private FakeBotApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeBotApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private (TelegramClient, SendScheduler, BotSender) Create(TelegramOptions? o = null)
    {
        o ??= new TelegramOptions();
        o.BotToken = FakeBotApi.Token;
        o.ApiBaseUrl = _api.BaseUrl;
        var client = new TelegramClient(Options.Create(o), TimeProvider.System, NullLogger<TelegramClient>.Instance);
        var scheduler = new SendScheduler(Options.Create(o), TimeProvider.System, NullLogger<SendScheduler>.Instance);
        return (client, scheduler, new BotSender(client, scheduler, NullLogger<BotSender>.Instance));
    }

    [Fact]
    public async Task OneChat_GetsAtMostOneMessagePerSecond_InOrder()
    {
        var (client, scheduler, sender) = Create();
        await using (scheduler)
        using (client)
        {
            await Task.WhenAll(Enumerable.Range(1, 4).Select(i => sender.SendAsync(7, $"m{i}", null, CancellationToken.None)));
        }
        var calls = _api.CallsOf("sendMessage").Where(c => c.ChatId == 7).ToList();
        Assert.Equal(["m1", "m2", "m3", "m4"], calls.Select(c => c.Text));
        for (var i = 1; i < calls.Count; i++)
        {
            var gap = calls[i].At - calls[i - 1].At;
            Assert.True(gap >= TimeSpan.FromMilliseconds(900), $"messages {i} and {i + 1} were {gap.TotalMilliseconds} ms apart");
        }
    }

    [Fact]
    public async Task DifferentChats_DoNotWaitForEachOther_ButTheGlobalLimitHolds()
    {
        var (client, scheduler, sender) = Create(new TelegramOptions { GlobalMessagesPerSecond = 10 });
        await using (scheduler)
        using (client)
        {
            await Task.WhenAll(Enumerable.Range(1, 12).Select(chat => sender.SendAsync(chat, "hi", null, CancellationToken.None)));
        }
        var times = _api.CallsOf("sendMessage").Select(c => c.At).Order().ToList();
        Assert.Equal(12, times.Count);
        // At most 10 in any one-second window (with a little slack for arrival jitter), evenly spaced.
        for (var i = 10; i < times.Count; i++)
        {
            Assert.True(times[i] - times[i - 10] >= TimeSpan.FromMilliseconds(900), $"11 messages within {(times[i] - times[i - 10]).TotalMilliseconds} ms");
        }
        // Twelve chats, one message each, are not held to the one-per-second of a single chat (that would take 11 s).
        Assert.True(times[^1] - times[0] < TimeSpan.FromSeconds(3), $"took {(times[^1] - times[0]).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Groups_AreLimitedPerMinute()
    {
        var (client, scheduler, sender) = Create(new TelegramOptions { GroupMessagesPerMinute = 3, PerChatInterval = TimeSpan.Zero });
        await using (scheduler)
        using (client)
        {
            var sends = Enumerable.Range(1, 4).Select(i => sender.SendAsync(-100123, $"g{i}", null, CancellationToken.None)).ToList();
            await Task.WhenAll(sends.Take(3));
            await Task.Delay(500);
            Assert.False(sends[3].IsCompleted); // the fourth waits for the minute to pass
            Assert.Equal(3, _api.CallsOf("sendMessage").Count);
        }
    }

    [Fact]
    public async Task QueuedEdits_OfOneMessage_Coalesce_ToTheLatestText()
    {
        var (client, scheduler, sender) = Create();
        await using (scheduler)
        using (client)
        {
            var first = await sender.SendAsync(9, "start", null, CancellationToken.None);
            // The chat's slot is taken for a second: these edits queue, and only the last is sent.
            var edits = Enumerable.Range(1, 5).Select(i => sender.EditAsync(9, first.MessageId, $"progress {i * 20}%", null, CancellationToken.None)).ToList();
            await Task.WhenAll(edits);
        }
        var sent = _api.CallsOf("editMessageText");
        Assert.Equal("progress 100%", Assert.Single(sent).Text);
    }

    [Fact]
    public async Task AFailingSend_FailsItsCaller_AndTheChatMovesOn()
    {
        var (client, scheduler, sender) = Create(new TelegramOptions { PerChatInterval = TimeSpan.FromMilliseconds(100) });
        _api.FailNext("sendMessage", 400, """{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}""");
        await using (scheduler)
        using (client)
        {
            var ex = await Assert.ThrowsAsync<TelegramApiException>(() => sender.SendAsync(11, "lost", null, CancellationToken.None));
            Assert.Equal(400, ex.ErrorCode);
            var ok = await sender.SendAsync(11, "next", null, CancellationToken.None);
            Assert.True(ok.MessageId > 0);
        }
    }
}
