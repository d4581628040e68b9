namespace Hub.Domain.Jobs;

/// <summary>Runs the jobs of one queue. One implementation per queue, registered explicitly.</summary>
public interface IJobHandler
{
    string Queue { get; }

    /// <summary>The state a job shows while this handler runs it (probing, downloading, processing).</summary>
    string RunningState { get; }

    /// <summary>
    /// Does the work. Finish by calling one of the context's Complete/MoveTo methods; returning without doing so
    /// completes the job. Throw <see cref="Imports.ImportFailedException"/> to fail (transient ones are retried).
    /// </summary>
    Task RunAsync(JobContext context, CancellationToken cancellationToken);
}
