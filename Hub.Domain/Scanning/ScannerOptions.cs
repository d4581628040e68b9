namespace Hub.Domain.Scanning;

/// <summary>The <c>Hub:Scanner</c> settings.</summary>
public sealed class ScannerOptions
{
    /// <summary>Scan every library this often (Coravel fires hourly, one job per library per slot); 0 turns it off (default).</summary>
    public int ScheduleHours { get; set; }

    /// <summary>Watch library folders for new files (scan workers only); off by default.</summary>
    public bool Watch { get; set; }

    /// <summary>A new file is taken once its size has not changed for this long.</summary>
    public TimeSpan WatchDebounce { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A scan leaves files modified more recently than this for the next one (they may still be being written).</summary>
    public TimeSpan MinFileAge { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// New or changed files probed (ffprobe) and hashed at once: one per core by default (at least 2, since ffprobe
    /// mostly waits on process start and the disk); 1 scans one file after another.
    /// </summary>
    public int Parallelism { get; set; } = Math.Clamp(Environment.ProcessorCount, 2, 8);
}
