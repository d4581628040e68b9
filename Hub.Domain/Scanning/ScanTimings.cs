using System.Diagnostics;

namespace Hub.Domain.Scanning;

/// <summary>
/// Where a scan's time went, step by step (for the log line and the benchmark). Probe and hash run for several files at
/// once, so their sums are worker time and can exceed the scan's wall time.
/// </summary>
public sealed class ScanTimings
{
    private long _walk, _probe, _hash, _lookup, _record, _save, _finish;

    public TimeSpan Walk => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _walk));
    public TimeSpan Probe => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _probe));
    public TimeSpan Hash => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _hash));
    public TimeSpan Lookup => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _lookup));
    public TimeSpan Record => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _record));
    public TimeSpan Save => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _save));
    public TimeSpan Finish => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _finish));

    public enum Step { Walk, Probe, Hash, Lookup, Record, Save, Finish }

    /// <summary>Adds the time since <paramref name="started"/> (a <see cref="Stopwatch.GetTimestamp"/>) to a step.</summary>
    public void Add(Step step, long started)
    {
        var ticks = Stopwatch.GetTimestamp() - started;
        switch (step)
        {
            case Step.Walk: Interlocked.Add(ref _walk, ticks); break;
            case Step.Probe: Interlocked.Add(ref _probe, ticks); break;
            case Step.Hash: Interlocked.Add(ref _hash, ticks); break;
            case Step.Lookup: Interlocked.Add(ref _lookup, ticks); break;
            case Step.Record: Interlocked.Add(ref _record, ticks); break;
            case Step.Save: Interlocked.Add(ref _save, ticks); break;
            case Step.Finish: Interlocked.Add(ref _finish, ticks); break;
        }
    }

    public override string ToString() =>
        $"walk {Walk.TotalSeconds:0.00} s, probe {Probe.TotalSeconds:0.00} s, hash {Hash.TotalSeconds:0.00} s, lookup {Lookup.TotalSeconds:0.00} s, "
        + $"record {Record.TotalSeconds:0.00} s, save {Save.TotalSeconds:0.00} s, finish {Finish.TotalSeconds:0.00} s";
}
