using System.Security.Claims;
using Hub.Domain;
using Hub.Domain.Access;
using Hub.Domain.Jobs;
using Hub.Web.Auth;

namespace Hub.Web.Jobs;

/// <summary>
/// Who is calling and which jobs they may see. Jobs record their requester as <c>token:{tokenId}</c> (token names are
/// not unique and can be reused after a revoke; the id cannot), like other doors record <c>telegram:{id}</c>.
/// Admins see every job; users only those they requested, and others' jobs are "not found" to them.
/// </summary>
public sealed record Caller(string RequesterKey, string Name, bool IsAdmin)
{
    public const string TokenPrefix = "token:";

    public static Caller From(ClaimsPrincipal user) => new(
        TokenPrefix + (user.FindFirstValue(BearerTokenHandler.TokenIdClaim) ?? throw new InvalidOperationException("No token id on an authenticated caller.")),
        user.Identity?.Name ?? "",
        user.IsInRole(Roles.Admin));

    /// <summary>The requester filter for listing: null (everything) for admins.</summary>
    public string? OwnerFilter => IsAdmin ? null : RequesterKey;

    public bool CanSee(string? requestedBy) => IsAdmin || requestedBy == RequesterKey;

    /// <summary>The job if the caller may see it; otherwise the same 404 as for a job that does not exist.</summary>
    public async Task<Job> GetVisibleJobAsync(JobQueue queue, Guid id, CancellationToken cancellationToken)
    {
        var job = await queue.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return CanSee(job.RequestedBy) ? job : throw new HubNotFoundException("job", $"No job {id}.");
    }
}
