using System.Security.Claims;
using Hub.Domain;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Jobs;

/// <summary>Which finished jobs to delete: these <c>ids</c>, or every job in these <c>states</c> (Hub's own jobs too with system=true).</summary>
public sealed record DeleteJobsBody(Guid[]? Ids = null, string[]? States = null, bool? System = null);

/// <summary><c>/api/v1/jobs</c>: list (filtered, cursor-paginated), read, history, cancel, retry, delete finished ones; SSE in <see cref="JobStreamApi"/>, play now in <see cref="JobMediaApi"/>.</summary>
public static class JobsApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static RouteGroupBuilder MapJobs(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/jobs").WithTags("Jobs").ProducesProblem(StatusCodes.Status401Unauthorized);
        g.MapGet("/", ListJobs).WithName("ListJobs")
            .WithSummary("Jobs the caller may see, newest activity first; filter by state (repeat or comma list), kind, door, library, parent, " +
                "q (words in the title, source or error); Hub's own work (housekeeping, scans, deliveries, tool updates) only with system=true.")
            .ProducesValidationProblem();
        g.MapGet("/{id:guid}", GetJob).WithName("GetJob").WithSummary("One job.").ProducesProblem(StatusCodes.Status404NotFound);
        g.MapGet("/{id:guid}/events", GetJobEvents).WithName("GetJobEvents").WithSummary("A job's history: transitions and errors, oldest first.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        g.MapPost("/{id:guid}/cancel", CancelJob).WithName("CancelJob")
            .WithSummary("Cancel a job: 200 when it is cancelled at once, 202 when its worker was asked to stop; 409 when it already ended.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        g.MapPost("/{id:guid}/retry", RetryJob).WithName("RetryJob")
            .WithSummary("Put a failed or cancelled job back in line with a fresh retry budget; 409 otherwise.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        g.MapPost("/delete", DeleteJobs).WithName("DeleteJobs").RequireAuthorization(HubWebServiceCollectionExtensions.AdminPolicy)
            .WithSummary("Admin: delete finished job records (completed, failed, cancelled) with their events and child jobs; entries and files stay. "
                + "Either ids (all or nothing: 409 naming the jobs that still run) or states (jobs still running are skipped and listed as active).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        g.MapJobStreams();
        g.MapJobMedia();
        return api;
    }

    private static async Task<Ok<JobPage>> ListJobs(ClaimsPrincipal user, JobQueue queue, LibraryService libraries,
        [FromQuery] string[]? state, string? kind, string? door, string? library, string? parent, string? cursor, string? limit,
        string? q, string? system, CancellationToken ct)
    {
        var caller = user.ToRequester();
        var states = (state ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(s => s.ToLowerInvariant()).Distinct().ToList();
        if (states.FirstOrDefault(s => !JobStates.IsValid(s)) is { } badState)
        {
            throw new HubValidationException("state", $"Unknown state '{badState}'. Use: {string.Join(", ", JobStates.All)}.");
        }
        if (door is not null && !Doors.All.Contains(door))
        {
            throw new HubValidationException("door", $"Unknown door '{door}'. Use: {string.Join(", ", Doors.All)}.");
        }
        Guid? libraryId = null;
        if (!string.IsNullOrWhiteSpace(library))
        {
            libraryId = (await libraries.FindAsync(library, ct) ?? throw new HubValidationException("library", $"There is no library '{library}'.")).Id;
        }
        Guid? parentId = null;
        if (!string.IsNullOrWhiteSpace(parent))
        {
            parentId = Guid.TryParse(parent, out var p) ? p : throw new HubValidationException("parent", "The parent must be a job id.");
        }
        var includeSystem = string.IsNullOrWhiteSpace(system) ? false
            : bool.TryParse(system, out var sys) ? sys : throw new HubValidationException("system", "system must be true or false.");
        var size = ParseLimit(limit);
        var rows = await queue.ListAsync(new JobFilter
        {
            States = states,
            Kind = string.IsNullOrWhiteSpace(kind) ? null : kind,
            Door = door,
            LibraryId = libraryId,
            ParentId = parentId,
            RequestedBy = JobAccess.OwnerFilter(caller),
            Text = string.IsNullOrWhiteSpace(q) ? null : q.Trim(),
            IncludeSystem = includeSystem,
            Before = string.IsNullOrEmpty(cursor) ? null : JobCursor.Decode(cursor),
            Limit = size + 1, // one more tells whether a next page exists
        }, ct);
        var page = rows.Take(size).Select(JobDto.From).ToList();
        var next = rows.Count > size ? JobCursor.Encode(page[^1].UpdatedAt, page[^1].Id) : null;
        return TypedResults.Ok(new JobPage(page, next));
    }

    private static int ParseLimit(string? limit)
    {
        if (string.IsNullOrEmpty(limit))
        {
            return DefaultLimit;
        }
        return int.TryParse(limit, out var n) && n is >= 1 and <= MaxLimit
            ? n
            : throw new HubValidationException("limit", $"The limit must be a whole number from 1 to {MaxLimit}.");
    }

    private static async Task<Ok<JobDto>> GetJob(Guid id, ClaimsPrincipal user, JobAccess access, CancellationToken ct) =>
        TypedResults.Ok(JobDto.From(await access.GetVisibleAsync(user.ToRequester(), id, ct)));

    private static async Task<Ok<List<JobEventDto>>> GetJobEvents(Guid id, ClaimsPrincipal user, JobAccess access, JobQueue queue, CancellationToken ct)
    {
        await access.GetVisibleAsync(user.ToRequester(), id, ct);
        return TypedResults.Ok((await queue.EventsAsync(id, ct)).Select(JobEventDto.From).ToList());
    }

    private static async Task<Results<Ok<JobDto>, Accepted<JobDto>>> CancelJob(Guid id, ClaimsPrincipal user, JobAccess access, CancellationToken ct)
    {
        var job = JobDto.From(await access.CancelAsync(user.ToRequester(), id, ct));
        // A running job only has a cancel request until its worker stops it.
        return job.State == JobStates.Cancelled ? TypedResults.Ok(job) : TypedResults.Accepted($"/api/v1/jobs/{id}", job);
    }

    private static async Task<Ok<JobsDeleted>> DeleteJobs(DeleteJobsBody body, JobDeleter deleter, CancellationToken ct)
    {
        if ((body.Ids is { Length: > 0 }) == (body.States is { Length: > 0 }))
        {
            throw new HubValidationException("ids", "Send either ids (the jobs to delete) or states (delete every finished job in them), not both.");
        }
        if (body.Ids is { Length: > 0 } ids)
        {
            return TypedResults.Ok(await deleter.DeleteAsync(ids, ct));
        }
        var states = body.States!.Select(s => (s ?? "").Trim().ToLowerInvariant()).Distinct().ToList();
        return TypedResults.Ok(await deleter.DeleteFinishedAsync(states, body.System ?? false, ct));
    }

    private static async Task<Accepted<JobDto>> RetryJob(Guid id, ClaimsPrincipal user, JobAccess access, CancellationToken ct)
    {
        return TypedResults.Accepted($"/api/v1/jobs/{id}", JobDto.From(await access.RetryAsync(user.ToRequester(), id, null, ct)));
    }
}
