namespace Hub.Domain.Jobs;

/// <summary>The <c>Hub:Jobs</c> section.</summary>
public sealed class JobOptions
{
    /// <summary>How many jobs of each queue one process runs at once.</summary>
    public Dictionary<string, int> Concurrency { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [JobQueues.Probe] = 6,
        // Each download slot also runs its job's processing (ffprobe, placement, the entry write), so a slot is busy
        // about twice as long as the bytes take; 3 left 20 small loopback imports queued behind each other.
        [JobQueues.Download] = 6,
        [JobQueues.Expand] = 2,
        [JobQueues.Maintenance] = 1,
        [JobQueues.Notify] = 4,
        [JobQueues.Subscriptions] = 2,
    };

    /// <summary>A worker that does not renew its lease within this time is presumed dead; its job goes back.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often leases are renewed (and cancel requests checked) while a job runs.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Fallback poll when no NOTIFY arrives (a lost connection, a job whose run_after came due).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often expired leases are looked for.</summary>
    public TimeSpan ReapInterval { get; set; } = TimeSpan.FromSeconds(5);

    public int MaxAttempts { get; set; } = 3;

    /// <summary>First retry delay; doubled per failure, with jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Progress is written to the database (and NOTIFYed to other processes) at most this often per job.</summary>
    public TimeSpan ProgressSaveInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int ConcurrencyOf(string queue) => Concurrency.TryGetValue(queue, out var n) && n > 0 ? n : 1;
}
