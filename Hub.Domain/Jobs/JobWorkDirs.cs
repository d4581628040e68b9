namespace Hub.Domain.Jobs;

/// <summary>Where a job's own temp folder is: the worker downloads into it, "play now" reads the growing file from it.</summary>
public static class JobWorkDirs
{
    public static string For(Job job, HubOptions options)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(options);
        return job.WorkDir ?? Path.Combine(options.FullTempDir, "jobs", job.Id.ToString("N"));
    }
}
