using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot.Exceptions;

namespace Hub.Bot.Telegram;

/// <summary>
/// Queues outgoing chat messages so Hub stays inside Telegram's limits: about 25 a second over all chats, one a second
/// per chat, 20 a minute per group. One chat's messages go out in order, one at a time. A queued edit of a message
/// that is edited again before it went out is replaced (only the latest text is sent; both callers get that result).
/// A 429 Too Many Requests puts the send back at the head of its chat's queue and holds that chat for the
/// <c>retry_after</c> Telegram gave (other chats go on). The scheduler owns every send it starts and stops them on dispose.
/// Ours because Telegram.Bot has none of this: it sends when asked, and its own 429 retry (switched off in
/// <see cref="TelegramClientRegistration"/>) would sleep inside the call, blind to the other chats and the global budget.
/// </summary>
public sealed class SendScheduler : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<long, Lane> _lanes = [];
    private readonly Queue<DateTimeOffset> _globalWindow = new();
    private readonly HashSet<Task> _running = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly TelegramOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SendScheduler> _logger;
    private readonly Task _loop;
    private long _sequence;
    private DateTimeOffset _nextGlobalAt;
    private long _sent;
    private int _rateLimitWaits;
    private const int MaxRateLimitRetries = 3;
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(2);

    public SendScheduler(IOptions<TelegramOptions> options, TimeProvider time, ILogger<SendScheduler> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Messages sent so far (started), for diagnostics and benchmarks.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>How many 429 replies were waited out (for diagnostics and tests).</summary>
    public int RateLimitWaits => Volatile.Read(ref _rateLimitWaits);

    /// <summary>Messages waiting in all chats.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _lanes.Values.Sum(l => l.Queue.Count);
            }
        }
    }

    /// <summary>
    /// Queues a send to <paramref name="chatId"/>. With a <paramref name="coalesceKey"/> (such as "edit:chat:message"),
    /// a queued send with the same key is replaced by this one.
    /// </summary>
    public async Task<T> EnqueueAsync<T>(long chatId, string? coalesceKey, Func<CancellationToken, Task<T>> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        var waiter = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<CancellationToken, Task<object?>> boxed = async ct => await send(ct).ConfigureAwait(false);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            if (!_lanes.TryGetValue(chatId, out var lane))
            {
                lane = new Lane(chatId < 0);
                _lanes[chatId] = lane;
            }
            var existing = coalesceKey is null ? null : lane.Queue.FirstOrDefault(o => o.Key == coalesceKey);
            if (existing is not null)
            {
                existing.Send = boxed;
                existing.Waiters.Add(waiter);
            }
            else
            {
                lane.Queue.AddLast(new Op(++_sequence, coalesceKey, boxed, [waiter]));
            }
        }
        _wake.Release();
        using (cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken)))
        {
            return (T)(await waiter.Task.ConfigureAwait(false))!;
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TimeSpan? wait;
            lock (_gate)
            {
                wait = DispatchReady();
            }
            try
            {
                if (wait is { } w)
                {
                    await _wake.WaitAsync(w < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : w, stop).ConfigureAwait(false);
                }
                else
                {
                    await _wake.WaitAsync(stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Starts every send allowed now; returns how long until the next one could be (null: nothing waits).</summary>
    private TimeSpan? DispatchReady()
    {
        var now = _time.GetUtcNow();
        while (_globalWindow.Count > 0 && now - _globalWindow.Peek() >= TimeSpan.FromSeconds(1))
        {
            _globalWindow.Dequeue();
        }
        TimeSpan? wait = null;
        void WaitAtMost(TimeSpan t) => wait = wait is { } w && w < t ? w : t;

        // Oldest waiting message first, so a busy chat does not starve the others.
        foreach (var (chatId, lane) in _lanes.Where(l => !l.Value.Busy && l.Value.Queue.Count > 0).OrderBy(l => l.Value.Queue.First!.Value.Sequence).ToList())
        {
            if (lane.NextAt > now)
            {
                WaitAtMost(lane.NextAt - now);
                continue;
            }
            if (lane.IsGroup)
            {
                while (lane.Window.Count > 0 && now - lane.Window.Peek() >= TimeSpan.FromMinutes(1))
                {
                    lane.Window.Dequeue();
                }
                if (lane.Window.Count >= _options.GroupMessagesPerMinute)
                {
                    WaitAtMost(lane.Window.Peek() + TimeSpan.FromMinutes(1) - now);
                    continue;
                }
            }
            if (_globalWindow.Count >= _options.GlobalMessagesPerSecond)
            {
                WaitAtMost(_globalWindow.Peek() + TimeSpan.FromSeconds(1) - now);
                break;
            }
            if (_nextGlobalAt > now)
            {
                // Evenly spaced rather than in bursts: a burst's late arrivals would meet the next burst at Telegram.
                WaitAtMost(_nextGlobalAt - now);
                break;
            }
            var op = lane.Queue.First!.Value;
            lane.Queue.RemoveFirst();
            if (op.Waiters.All(w => w.Task.IsCompleted))
            {
                continue; // every caller gave up before it went out
            }
            lane.Busy = true;
            lane.NextAt = now + _options.PerChatInterval;
            if (lane.IsGroup)
            {
                lane.Window.Enqueue(now);
            }
            _globalWindow.Enqueue(now);
            _nextGlobalAt = now + TimeSpan.FromSeconds(1.0 / _options.GlobalMessagesPerSecond);
            Interlocked.Increment(ref _sent);
            var task = RunOpAsync(chatId, lane, op);
            _running.Add(task);
            _ = task.ContinueWith(t =>
            {
                lock (_gate)
                {
                    _running.Remove(t);
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        foreach (var idle in _lanes.Where(l => !l.Value.Busy && l.Value.Queue.Count == 0 && l.Value.NextAt <= now && l.Value.Window.Count == 0).Select(l => l.Key).ToList())
        {
            _lanes.Remove(idle);
        }
        return wait;
    }

    private async Task RunOpAsync(long chatId, Lane lane, Op op)
    {
        try
        {
            var result = await op.Send(_stop.Token).ConfigureAwait(false);
            foreach (var w in op.Waiters)
            {
                w.TrySetResult(result);
            }
        }
        catch (ApiRequestException ex) when (ex.IsRateLimited() && op.Attempts < MaxRateLimitRetries && !_stop.IsCancellationRequested)
        {
            var wait = TimeSpan.FromSeconds(Math.Max(1, ex.Parameters?.RetryAfter ?? 1));
            wait = wait > MaxRetryAfter ? MaxRetryAfter : wait;
            Interlocked.Increment(ref _rateLimitWaits);
            _logger.LogWarning("Telegram asked to slow down (chat {ChatId}); waiting {Seconds} s", chatId, wait.TotalSeconds);
            lock (_gate)
            {
                op.Attempts++;
                lane.NextAt = _time.GetUtcNow() + wait;
                lane.Queue.AddFirst(op);
                _lanes.TryAdd(chatId, lane);
            }
        }
        catch (Exception ex)
        {
            if (ex is not OperationCanceledException)
            {
                _logger.LogDebug("A send to chat {ChatId} failed: {Error}", chatId, ex.Message);
            }
            foreach (var w in op.Waiters)
            {
                w.TrySetException(ex);
            }
        }
        finally
        {
            lock (_gate)
            {
                lane.Busy = false;
                // Spaced from when Telegram answered too, not only from when the request left: a request that arrived
                // late must not meet the chat's next message at Telegram's end (seen under load: 0.7 s apart).
                var earliest = _time.GetUtcNow() + _options.PerChatInterval;
                if (lane.NextAt < earliest)
                {
                    lane.NextAt = earliest;
                }
            }
            _wake.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (_gate)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }
            _stop.Cancel();
            running = [.. _running];
            foreach (var op in _lanes.Values.SelectMany(l => l.Queue))
            {
                foreach (var w in op.Waiters)
                {
                    w.TrySetCanceled();
                }
            }
            _lanes.Clear();
        }
        await _loop.ConfigureAwait(false);
        await Task.WhenAll(running).ConfigureAwait(false);
        _stop.Dispose();
        _wake.Dispose();
    }

    private sealed class Lane(bool isGroup)
    {
        public bool IsGroup { get; } = isGroup;
        public LinkedList<Op> Queue { get; } = new();
        public Queue<DateTimeOffset> Window { get; } = new();
        public DateTimeOffset NextAt { get; set; }
        public bool Busy { get; set; }
    }

    private sealed class Op(long sequence, string? key, Func<CancellationToken, Task<object?>> send, List<TaskCompletionSource<object?>> waiters)
    {
        public long Sequence { get; } = sequence;
        public string? Key { get; } = key;
        public Func<CancellationToken, Task<object?>> Send { get; set; } = send;
        public List<TaskCompletionSource<object?>> Waiters { get; } = waiters;
        public int Attempts { get; set; }
    }
}
