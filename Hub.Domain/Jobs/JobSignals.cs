using System.Collections.Concurrent;

namespace Hub.Domain.Jobs;

/// <summary>Wakes the worker loop of a queue when a job becomes ready (from NOTIFY or from this process).</summary>
public sealed class JobSignals
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _signals = new(StringComparer.Ordinal);

    public void Signal(string queue)
    {
        var s = Get(queue);
        lock (s)
        {
            if (s.CurrentCount == 0)
            {
                s.Release();
            }
        }
    }

    /// <summary>Waits for a signal or the timeout; true when signalled.</summary>
    public Task<bool> WaitAsync(string queue, TimeSpan timeout, CancellationToken cancellationToken) =>
        Get(queue).WaitAsync(timeout, cancellationToken);

    private SemaphoreSlim Get(string queue) => _signals.GetOrAdd(queue, _ => new SemaphoreSlim(0, 1));
}
