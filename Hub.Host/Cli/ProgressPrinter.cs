using Hub.Domain.Jobs;

namespace Hub.Host.Cli;

/// <summary>Follows a job to its end: a live bar on a terminal, plain lines when the output is a file or pipe.</summary>
public sealed class ProgressPrinter(TextWriter output, bool interactive)
{
    private const int BarWidth = 16;

    /// <summary>One column less than an 80-column terminal: writing the last column wraps the cursor on some terminals.</summary>
    public const int LineWidth = 79;

    public async Task<JobUpdate> FollowAsync(JobFollower follower, Guid jobId, CancellationToken cancellationToken)
    {
        JobUpdate? last = null;
        var lastLineState = "";
        var lastLinePercent = -10.0;
        var hinted = false;
        var started = DateTime.UtcNow;
        await foreach (var u in follower.FollowAsync(jobId, TimeSpan.FromSeconds(2), cancellationToken))
        {
            last = u;
            if (!hinted && u.State == JobStates.Queued && DateTime.UtcNow - started > TimeSpan.FromSeconds(10))
            {
                hinted = true;
                output.WriteLine("(still queued: is `hub serve` or `hub worker` running?)");
            }
            if (interactive)
            {
                output.Write("\r" + Bar(u).PadRight(LineWidth)); // padded: a shorter bar wipes the longer one before it
            }
            else if (u.State != lastLineState || u.Progress - lastLinePercent >= 10 || u.IsFinal)
            {
                output.WriteLine(Line(u));
                lastLineState = u.State;
                lastLinePercent = u.Progress;
            }
        }
        if (last is null)
        {
            throw new InvalidOperationException("The follower yields at least the job's current state.");
        }
        if (interactive)
        {
            output.Write("\r" + new string(' ', LineWidth) + "\r"); // the bar gives way to the outcome line
        }
        output.WriteLine(last.State == JobStates.Completed
            ? $"Done: {last.Title ?? "imported"}{(last.EntryId is { } e ? $" (entry {e})" : "")}"
            : $"Job {last.State}: {last.Error ?? "no reason given"}");
        return last;
    }

    /// <summary>
    /// The live bar, never wider than <see cref="LineWidth"/> (a wrapped line cannot be redrawn with \r): when it would
    /// be, the speed goes first, then the ETA.
    /// </summary>
    public static string Bar(JobUpdate u)
    {
        var filled = (int)Math.Round(BarWidth * Math.Clamp(u.Progress, 0, 100) / 100);
        var head = $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {u.Progress,5:0.0}% {Bytes(u.BytesDone)}/{(u.BytesTotal is { } t ? Bytes(t) : "?")}";
        var speed = u.SpeedBps is { } s ? " " + Bytes((long)s) + "/s" : "";
        var eta = "";
        if (u.EtaSeconds is { } seconds)
        {
            var left = TimeSpan.FromSeconds(Math.Min(Math.Round(seconds), 359_999));
            eta = $" ETA {(int)left.TotalHours}:{left:mm\\:ss}";
        }
        var state = " " + u.State;
        foreach (var line in new[] { head + speed + eta + state, head + eta + state, head + state })
        {
            if (line.Length <= LineWidth)
            {
                return line;
            }
        }
        return (head + state)[..LineWidth];
    }

    public static string Line(JobUpdate u) =>
        $"{u.State} {u.Progress:0}% {Bytes(u.BytesDone)}/{(u.BytesTotal is { } t ? Bytes(t) : "?")}{(u.SpeedBps is { } s ? $" {Bytes((long)s)}/s" : "")}{(u.Error is { } e ? " — " + e : "")}";

    public static string Bytes(long n) => n switch
    {
        < 1024 => $"{n} B",
        < 1024 * 1024 => $"{n / 1024.0:0.0} KiB",
        < 1024L * 1024 * 1024 => $"{n / 1048576.0:0.0} MiB",
        _ => $"{n / 1073741824.0:0.00} GiB",
    };
}
