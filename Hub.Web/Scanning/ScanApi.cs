using System.Security.Claims;
using Hub.Domain.Imports;
using Hub.Domain.Scanning;
using Hub.Web.Auth;
using Hub.Web.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Scanning;

public sealed record UnmatchedDto(Guid Id, Guid LibraryId, string Path, long SizeBytes, string? MediaKind, ParsedName? Parsed, DateTimeOffset FoundAt)
{
    public static UnmatchedDto From(UnmatchedFile f) => new(f.Id, f.LibraryId, f.Path, f.SizeBytes, f.MediaKind, f.Parsed, f.FoundAt);
}

public sealed record ResolveUnmatchedBody(string? Title, string? Library);

public sealed record ResolvedDto(Guid EntryId, string Title, Guid LibraryId, string FilePath);

/// <summary>
/// The library scanner (admin): <c>POST /api/v1/libraries/{id}/scan</c> queues a scan and returns its job;
/// <c>/api/v1/scan/unmatched</c> lists the files no name rule could file, to resolve (a title and a library) or ignore.
/// </summary>
public static class ScanApi
{
    public static RouteGroupBuilder MapScan(this RouteGroupBuilder api)
    {
        api.MapPost("/libraries/{id}/scan", StartScan).RequireAuthorization(HubWebServiceCollectionExtensions.AdminPolicy).WithTags("Libraries")
            .WithName("ScanLibrary").WithSummary("Scan a library's folder for media already there (admin); returns the scan's job (202), or the one already queued.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        var g = api.MapGroup("/scan/unmatched").RequireAuthorization(HubWebServiceCollectionExtensions.AdminPolicy).WithTags("Scan")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        g.MapGet("/", ListUnmatched).WithName("ListUnmatched").WithSummary("Files a scan found but could not name, oldest first (library= filters).");
        g.MapPost("/{id:guid}/resolve", Resolve).WithName("ResolveUnmatched")
            .WithSummary("File it as an entry with this title, in this library (default: where it was found); the file is not moved.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        g.MapPost("/{id:guid}/ignore", Ignore).WithName("IgnoreUnmatched").WithSummary("Leave it out; later scans do not ask again.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Accepted<JobDto>> StartScan(string id, ClaimsPrincipal user, ScanService scans, CancellationToken ct)
    {
        var job = await scans.StartAsync(id, Doors.Api, user.ToRequester().Name, ct);
        return TypedResults.Accepted($"/api/v1/jobs/{job.Id}", JobDto.From(job));
    }

    private static async Task<Ok<List<UnmatchedDto>>> ListUnmatched(Guid? library, int? limit, ScanService scans, CancellationToken ct) =>
        TypedResults.Ok((await scans.UnmatchedAsync(library, limit ?? 100, ct)).Select(UnmatchedDto.From).ToList());

    private static async Task<Ok<ResolvedDto>> Resolve(Guid id, ResolveUnmatchedBody body, ScanService scans, CancellationToken ct)
    {
        var entry = await scans.ResolveAsync(id, body.Title ?? "", body.Library, ct);
        return TypedResults.Ok(new ResolvedDto(entry.Id, entry.Title, entry.LibraryId, entry.FilePath));
    }

    private static async Task<NoContent> Ignore(Guid id, ScanService scans, CancellationToken ct)
    {
        await scans.IgnoreAsync(id, ct);
        return TypedResults.NoContent();
    }
}
