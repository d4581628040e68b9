using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Hub.Domain.Jobs;

/// <summary>A job's live state, as every door shows it.</summary>
public sealed record JobUpdate(
    Guid JobId,
    Guid? ParentId,
    string Kind,
    string State,
    double Progress,
    long BytesDone,
    long? BytesTotal,
    double? SpeedBps,
    double? EtaSeconds,
    string? Title,
    string? Error,
    Guid? EntryId,
    Guid? LibraryId,
    string Door,
    string? RequestedBy,
    DateTimeOffset At,
    bool CancelRequested = false,
    JobSwarm? Swarm = null)
{
    public bool IsFinal => JobStates.IsTerminal(State);

    public static JobUpdate From(Job j, DateTimeOffset at) => new(j.Id, j.ParentId, j.Kind, j.State, j.Progress, j.BytesDone, j.BytesTotal,
        j.SpeedBps, j.EtaSeconds, j.Title, j.Error, j.EntryId, j.LibraryId, j.Door, j.RequestedBy, at, j.CancelRequested, j.Swarm);
}

/// <summary>
/// The one subscription API for live job state. Workers in this process publish directly; updates from workers in
/// other processes arrive through PostgreSQL NOTIFY (see <see cref="JobNotificationListener"/>) and are published here too,
/// so web SSE, the bot and MCP see the same updates without polling the database.
/// </summary>
public sealed class JobUpdates
{
    private readonly ConcurrentDictionary<long, Subscriber> _subscribers = new();
    private long _next;

    public int SubscriberCount => _subscribers.Count;

    public void Publish(JobUpdate update)
    {
        foreach (var s in _subscribers.Values)
        {
            if (s.Filter is null || s.Filter(update))
            {
                // Bounded per subscriber: a slow reader loses intermediate progress, never the final state
                // (DropOldest keeps the newest, and the final update is the newest of its job).
                s.Channel.Writer.TryWrite(update);
            }
        }
    }

    /// <summary>
    /// Registers at once (nothing published after this call is missed); read with <see cref="JobSubscription.ReadAllAsync"/>,
    /// dispose to stop.
    /// </summary>
    public JobSubscription Subscribe(Func<JobUpdate, bool>? filter = null)
    {
        var id = Interlocked.Increment(ref _next);
        var channel = Channel.CreateBounded<JobUpdate>(new BoundedChannelOptions(1024)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        _subscribers[id] = new Subscriber(channel, filter);
        return new JobSubscription(channel.Reader, () => _subscribers.TryRemove(id, out _));
    }

    private sealed record Subscriber(Channel<JobUpdate> Channel, Func<JobUpdate, bool>? Filter);
}

public sealed class JobSubscription(ChannelReader<JobUpdate> reader, Action unsubscribe) : IDisposable
{
    private int _disposed;

    public IAsyncEnumerable<JobUpdate> ReadAllAsync(CancellationToken cancellationToken) => reader.ReadAllAsync(cancellationToken);

    public bool TryRead(out JobUpdate update) => reader.TryRead(out update!);

    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => reader.WaitToReadAsync(cancellationToken);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            unsubscribe();
        }
    }
}
