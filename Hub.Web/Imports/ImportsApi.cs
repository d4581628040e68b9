using System.Security.Claims;
using Hub.Domain;
using Hub.Domain.Imports;
using Hub.Web.Auth;
using Hub.Web.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Imports;

/// <param name="Door">Who is asking, when it is the admin UI ("web") or the Chrome extension ("extension"); "api" otherwise.</param>
/// <param name="Clip">Only this section of the video (seconds from its start); leave out for all of it.</param>
public sealed record ImportBody(string? Url, string? Library = null, string? Format = null, string? Mode = null, bool? WholePlaylist = null, string? Door = null,
    ClipBody? Clip = null);

/// <summary>A section of a video: start ≥ 0, end after start.</summary>
public sealed record ClipBody(double? StartSeconds, double? EndSeconds);

public sealed record ProbeBody(string? Url);

public sealed record SearchBody(string? Query, string? Source = null, int? Limit = null);

/// <summary><c>/api/v1/imports</c>: import a URL, probe it, search the sites, batches (<see cref="BatchApi"/>) and uploads (<see cref="UploadApi"/>, and resumable at /api/v1/uploads: <see cref="ResumableUploadApi"/>).</summary>
public static class ImportsApi
{
    /// <summary>Doors a client may name itself; bot, mcp and cli belong to Hub's own front-ends and cannot be claimed.</summary>
    public static readonly IReadOnlyList<string> ClaimableDoors = [Doors.Web, Doors.Extension, Doors.Api];


    public static RouteGroupBuilder MapImports(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/imports").WithTags("Imports").ProducesProblem(StatusCodes.Status401Unauthorized);
        g.MapPost("/", Import).WithName("Import")
            .WithSummary("Import a URL, or with clip {startSeconds, endSeconds} only that section: 202 with the job (follow it at the Location, or its /stream). "
                + "The same URL (and range) in progress returns that job.")
            .ProducesValidationProblem();
        g.MapPost("/probe", Probe).WithName("ProbeUrl")
            .WithSummary("What a URL is (title, duration, formats, playlist entries) and alreadyInLibrary, the entry an import would find already there; "
                + "nothing is created. 422 when it cannot be imported, 502/503 when the site failed.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status502BadGateway).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        g.MapGet("/probe/thumbnail", ProbeThumbnail).WithName("GetProbeThumbnail")
            .WithSummary("The thumbnail of a probed URL, fetched by Hub through its network guard (JPEG, PNG, WebP, GIF or AVIF, at most 2 MB; kept a few minutes), "
                + "for pages whose CSP allows no remote images. 404 when the probe has none; 422 when the picture is refused (blocked-address, not-an-image, "
                + "thumbnail-too-large); 502/503 when its site failed.")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status502BadGateway).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        g.MapPost("/search", Search).WithName("SearchSites")
            .WithSummary("Search YouTube, SoundCloud or both through yt-dlp; import a result by its url.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status502BadGateway).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        g.MapBatch();
        g.MapUpload();
        api.MapResumableUploads();
        return api;
    }

    /// <summary>The door for a client's hint: "api" when none, a validation error for doors it may not claim.</summary>
    public static string DoorFor(string? hint)
    {
        if (string.IsNullOrWhiteSpace(hint))
        {
            return Doors.Api;
        }
        var door = hint.Trim().ToLowerInvariant();
        return ClaimableDoors.Contains(door)
            ? door
            : throw new HubValidationException("door", $"A client can say it is one of: {string.Join(", ", ClaimableDoors)}.");
    }

    private static async Task<Accepted<JobDto>> Import(ImportBody body, ClaimsPrincipal user, ImportService imports, CancellationToken ct)
    {
        var job = await imports.ImportAsync(new ImportRequest
        {
            Url = body.Url,
            Library = body.Library,
            Format = body.Format,
            Mode = body.Mode ?? ImportModes.Auto,
            WholePlaylist = body.WholePlaylist ?? true,
            Clip = body.Clip is { } clip ? ClipRange.Create(clip.StartSeconds, clip.EndSeconds) : null,
            Door = DoorFor(body.Door),
            RequestedBy = user.ToRequester().Key,
        }, ct);
        return TypedResults.Accepted($"/api/v1/jobs/{job.Id}", JobDto.From(job));
    }

    private static async Task<Ok<ProbeResult>> Probe(ProbeBody body, ProbePreviews previews, CancellationToken ct) =>
        TypedResults.Ok(await previews.PreviewAsync(UrlToProbe(body.Url), ct));

    private static async Task<FileContentHttpResult> ProbeThumbnail([FromQuery] string? url, HttpContext context, ProbePreviews previews, CancellationToken ct)
    {
        var thumbnail = await previews.ThumbnailAsync(UrlToProbe(url), ct);
        var headers = context.Response.Headers;
        headers.CacheControl = "private, max-age=300";
        headers.XContentTypeOptions = "nosniff";
        // Someone else's picture served from Hub's origin: opened on its own, it may do nothing.
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        return TypedResults.File(thumbnail.Bytes, thumbnail.ContentType);
    }

    private static string UrlToProbe(string? url) =>
        string.IsNullOrWhiteSpace(url) ? throw new HubValidationException("url", "Send a URL to probe.") : url;

    private static async Task<Ok<IReadOnlyList<SearchResult>>> Search(SearchBody body, ImportService imports, CancellationToken ct) =>
        TypedResults.Ok(await imports.SearchAsync(SourceSearch.Normalize(body.Query, body.Source, body.Limit), ct));
}
