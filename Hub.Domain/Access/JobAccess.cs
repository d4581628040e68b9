using Hub.Domain.Jobs;

namespace Hub.Domain.Access;

/// <summary>
/// Who may see, follow, cancel and retry a job, for every door (REST, admin, bot, MCP, CLI). Admins may act on every job;
/// everyone else only on the jobs they asked for. A job someone may not see is "not found" to them, exactly like a job
/// that does not exist, so ids of other people's jobs leak nothing. System jobs (housekeeping) have no requester and
/// are therefore an admin's only.
/// </summary>
public sealed class JobAccess(JobQueue queue)
{
    public static bool CanSee(Requester requester, string? requestedBy) =>
        requester.IsAdmin || requester.Owns(requestedBy);

    public static bool CanSee(Requester requester, Job job) => CanSee(requester, job.RequestedBy);

    /// <summary>Cancelling and retrying follow seeing: the owner or an admin.</summary>
    public static bool CanChange(Requester requester, Job job) => CanSee(requester, job);

    /// <summary>The requester filter for listings: null (everyone's) for admins, else the requester's own key.</summary>
    public static string? OwnerFilter(Requester requester) => requester.IsAdmin ? null : requester.Key;

    /// <summary>The job if <paramref name="requester"/> may see it; otherwise the same not-found as a missing job.</summary>
    public async Task<Job> GetVisibleAsync(Requester requester, Guid id, CancellationToken cancellationToken)
    {
        var job = await queue.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return CanSee(requester, job) ? job : throw NotFound(id);
    }

    public async Task<Job> CancelAsync(Requester requester, Guid id, CancellationToken cancellationToken)
    {
        await GetVisibleAsync(requester, id, cancellationToken).ConfigureAwait(false);
        return await queue.CancelAsync(id, $"cancelled by {requester.Name}", cancellationToken).ConfigureAwait(false);
    }

    public async Task<Job> RetryAsync(Requester requester, Guid id, string? queueName, CancellationToken cancellationToken)
    {
        await GetVisibleAsync(requester, id, cancellationToken).ConfigureAwait(false);
        return await queue.RetryAsync(id, queueName, cancellationToken).ConfigureAwait(false);
    }

    private static HubNotFoundException NotFound(Guid id) => new("job", $"No job {id}.");
}
