namespace Hub.Domain.Engines.Http;

/// <summary>
/// Turns a stream of byte counts into at most ~4 progress reports a second, with speed averaged over the last few
/// seconds (a single read's speed jumps around too much to show anyone) and an ETA from that speed.
/// </summary>
internal sealed class ProgressMeter(IProgress<DownloadProgress> progress, TimeProvider time)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);

    private readonly Queue<(long At, long Bytes)> _samples = new();
    private long _lastReport = long.MinValue;

    public void Report(long done, long? total, bool force = false)
    {
        var now = time.GetTimestamp();
        if (!force && _lastReport != long.MinValue && time.GetElapsedTime(_lastReport, now) < Interval)
        {
            return;
        }
        _lastReport = now;
        _samples.Enqueue((now, done));
        while (_samples.Count > 2 && time.GetElapsedTime(_samples.Peek().At, now) > Window)
        {
            _samples.Dequeue();
        }
        var (firstAt, firstBytes) = _samples.Peek();
        var seconds = time.GetElapsedTime(firstAt, now).TotalSeconds;
        double? speed = seconds > 0.05 && done >= firstBytes ? (done - firstBytes) / seconds : null;
        double? eta = speed is > 0 && total is { } t && t >= done ? (t - done) / speed.Value : null;
        progress.Report(new DownloadProgress(done, total, speed, eta));
    }

    /// <summary>Forgets the speed history (after starting over, old samples would mislead).</summary>
    public void Reset() => _samples.Clear();
}
