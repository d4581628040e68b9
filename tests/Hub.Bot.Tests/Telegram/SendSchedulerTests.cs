using System.Diagnostics;
using Hub.Bot.Telegram;
using Hub.Bot.Tests.Fakes;
using Telegram.Bot.Exceptions;

namespace Hub.Bot.Tests.Telegram;

/// <summary>The send limits, measured where they matter: the request times the (fake) Bot API saw.</summary>
public sealed class SendSchedulerTests : IAsyncLifetime
{
    private FakeBotApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeBotApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private TelegramServices Create(TelegramOptions? o = null) => new(_api.BaseUrl, o);

    [Fact]
    public async Task OneChat_GetsAtMostOneMessagePerSecond_InOrder()
    {
        var t = Create();
        var sender = t.Sender;
        await using (t)
        {
            await Task.WhenAll(Enumerable.Range(1, 4).Select(i => sender.SendAsync(7, $"m{i}", null, CancellationToken.None)));
        }
        var calls = _api.CallsOf("sendMessage").Where(c => c.ChatId == 7).ToList();
        Assert.Equal(["m1", "m2", "m3", "m4"], calls.Select(c => c.Text));
        for (var i = 1; i < calls.Count; i++)
        {
            var gap = calls[i].At - calls[i - 1].At;
            // Spaced a second apart when sent; timed here at the fake API's arrival, where one request delayed by a busy
            // machine shortens the next gap (two sends in the same instant would be ~0 ms apart).
            Assert.True(gap >= TimeSpan.FromMilliseconds(800), $"messages {i} and {i + 1} were {gap.TotalMilliseconds} ms apart");
        }
    }

    [Fact]
    public async Task DifferentChats_DoNotWaitForEachOther_ButTheGlobalLimitHolds()
    {
        var t = Create(new TelegramOptions { GlobalMessagesPerSecond = 10 });
        var sender = t.Sender;
        await using (t)
        {
            await Task.WhenAll(Enumerable.Range(1, 12).Select(chat => sender.SendAsync(chat, "hi", null, CancellationToken.None)));
        }
        var times = _api.CallsOf("sendMessage").Select(c => c.At).Order().ToList();
        Assert.Equal(12, times.Count);
        // At most 10 in any one-second window (with a little slack for arrival jitter), evenly spaced.
        for (var i = 10; i < times.Count; i++)
        {
            Assert.True(times[i] - times[i - 10] >= TimeSpan.FromMilliseconds(800), $"11 messages within {(times[i] - times[i - 10]).TotalMilliseconds} ms");
        }
        // Twelve chats, one message each, are not held to the one-per-second of a single chat (that would take 11 s).
        Assert.True(times[^1] - times[0] < TimeSpan.FromSeconds(6), $"took {(times[^1] - times[0]).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Groups_AreLimitedPerMinute()
    {
        var t = Create(new TelegramOptions { GroupMessagesPerMinute = 3, PerChatInterval = TimeSpan.Zero });
        var sender = t.Sender;
        await using (t)
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
        var t = Create();
        var sender = t.Sender;
        await using (t)
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
        var t = Create(new TelegramOptions { PerChatInterval = TimeSpan.FromMilliseconds(100) });
        var sender = t.Sender;
        _api.FailNext("sendMessage", 400, """{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}""");
        await using (t)
        {
            var ex = await Assert.ThrowsAsync<ApiRequestException>(() => sender.SendAsync(11, "lost", null, CancellationToken.None));
            Assert.Equal(400, ex.ErrorCode);
            var ok = await sender.SendAsync(11, "next", null, CancellationToken.None);
            Assert.True(ok.MessageId > 0);
        }
    }

    [Fact]
    public async Task TooManyRequests_IsWaitedOut_ThenSucceeds()
    {
        _api.RateLimitNext("sendMessage", 1);
        var t = Create();
        await using (t)
        {
            var m = await t.Sender.SendAsync(42, "after the wait", null, CancellationToken.None);
            Assert.True(m.MessageId > 0);
            Assert.Equal(1, t.Scheduler.RateLimitWaits);
        }
        var calls = _api.CallsOf("sendMessage");
        Assert.Equal(2, calls.Count);
        // The retry came after retry_after (1 s), measured at the server.
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromMilliseconds(950), $"retried after {(calls[1].At - calls[0].At).TotalMilliseconds} ms");
        Assert.Contains(t.Log.Lines, l => l.Contains("slow down", StringComparison.Ordinal));
        Assert.DoesNotContain(FakeBotApi.Token, t.Log.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooManyRequests_HoldsOnlyThatChat()
    {
        _api.RateLimitNext("sendMessage", 2);
        var t = Create(new TelegramOptions { PerChatInterval = TimeSpan.Zero });
        await using (t)
        {
            var held = t.Sender.SendAsync(51, "held", null, CancellationToken.None);
            await _api.WaitForAsync(c => c.Method == "sendMessage" && c.ChatId == 51, "the first, refused send");
            var watch = Stopwatch.StartNew();
            await t.Sender.SendAsync(52, "other chat", null, CancellationToken.None);
            Assert.False(held.IsCompleted);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.5), $"another chat waited {watch.Elapsed.TotalMilliseconds} ms");
            await held;
        }
    }

    [Fact]
    public async Task TooManyRequests_Repeatedly_GivesUp_WithThe429()
    {
        for (var i = 0; i < 5; i++)
        {
            _api.RateLimitNext("sendMessage", 1);
        }
        var t = Create();
        await using (t)
        {
            var ex = await Assert.ThrowsAsync<ApiRequestException>(() => t.Sender.SendAsync(42, "never", null, CancellationToken.None));
            Assert.True(ex.IsRateLimited());
            Assert.Equal(1, ex.Parameters?.RetryAfter);
        }
        Assert.Equal(4, _api.CallsOf("sendMessage").Count);
    }
}
