using Hub.Domain.Jobs;

namespace Hub.Host.Cli;

/// <summary>Follows a job to its end: a live bar on a terminal, plain lines when the output is a file or pipe.</summary>
public sealed class ProgressPrinter(TextWriter output, bool interactive)
{
    private const int BarWidth = 30;

    public async Task<JobUpdate> FollowAsync(Job job, JobSubscription subscription, JobQueue queue, CancellationToken cancellationToken)
    {
        var last = JobUpdate.From(job, DateTimeOffset.UtcNow);
        var lastLineState = "";
        var lastLinePercent = -10.0;
        var hinted = false;
        var started = DateTime.UtcNow;
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var enumerator = subscription.ReadAllAsync(reading.Token).GetAsyncEnumerator(reading.Token);
        var next = enumerator.MoveNextAsync().AsTask();
        var tick = Task.Delay(TimeSpan.FromSeconds(2), reading.Token);
        try
        {
            while (!last.IsFinal)
            {
                if (await Task.WhenAny(next, tick) == next)
                {
                    if (!await next)
                    {
                        break;
                    }
                    var u = enumerator.Current;
                    next = enumerator.MoveNextAsync().AsTask();
                    if (u.JobId != job.Id)
                    {
                        continue;
                    }
                    last = u;
                }
                else
                {
                    tick = Task.Delay(TimeSpan.FromSeconds(2), reading.Token);
                    // A missed notification must not leave us waiting forever: read the row now and then.
                    last = JobUpdate.From(await queue.GetAsync(job.Id, cancellationToken), DateTimeOffset.UtcNow);
                    if (!hinted && last.State == JobStates.Queued && DateTime.UtcNow - started > TimeSpan.FromSeconds(10))
                    {
                        hinted = true;
                        output.WriteLine("(still queued: is `hub serve` or `hub worker` running?)");
                    }
                }
                if (interactive)
                {
                    output.Write("\r" + Bar(last) + "   ");
                }
                else if (last.State != lastLineState || last.Progress - lastLinePercent >= 10 || last.IsFinal)
                {
                    output.WriteLine(Line(last));
                    lastLineState = last.State;
                    lastLinePercent = last.Progress;
                }
            }
        }
        finally
        {
            // A read may still be pending (the end came from re-reading the row): stop it before disposing.
            await reading.CancelAsync();
            try
            {
                await next;
            }
            catch (OperationCanceledException)
            {
            }
            await enumerator.DisposeAsync();
        }
        if (interactive)
        {
            output.WriteLine();
        }
        output.WriteLine(last.State == JobStates.Completed
            ? $"Done: {last.Title ?? "imported"}{(last.EntryId is { } e ? $" (entry {e})" : "")}"
            : $"Job {last.State}: {last.Error ?? "no reason given"}");
        return last;
    }

    public static string Bar(JobUpdate u)
    {
        var filled = (int)Math.Round(BarWidth * Math.Clamp(u.Progress, 0, 100) / 100);
        return $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {u.Progress,5:0.0}%  {Bytes(u.BytesDone)}/{(u.BytesTotal is { } t ? Bytes(t) : "?")}"
            + $"  {(u.SpeedBps is { } s ? Bytes((long)s) + "/s" : "")}  {(u.EtaSeconds is { } eta ? "ETA " + TimeSpan.FromSeconds(Math.Round(eta)).ToString(@"h\:mm\:ss") : "")}  {u.State}";
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
