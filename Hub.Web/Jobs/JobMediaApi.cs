using Hub.Domain;
using Hub.Domain.Access;
using Hub.Domain.Engines.Http;
using Hub.Domain.Entries;
using Hub.Domain.Jobs;
using Hub.Web.Auth;
using Hub.Web.Streaming;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hub.Web.Jobs;

/// <summary>
/// "Play now": <c>GET|HEAD /api/v1/jobs/{id}/media</c> serves what a running HTTP download has written so far, with
/// the framework's range processing (the same as the entry routes) over a snapshot of the bytes on disk at request
/// time; once the job completed, the entry's file itself. <c>POST /api/v1/jobs/{id}/media/links</c> gives the same
/// without a token, as a signed link (<see cref="SignedLinks.JobMedia"/>) with the entries' lifetime rules, for players
/// that cannot send one (a browser tab, a chat).
/// </summary>
public static class JobMediaApi
{
    public const string NotPlayableYet = "not-playable-yet";

    private static readonly string[] GetHead = [HttpMethods.Get, HttpMethods.Head];

    public static RouteGroupBuilder MapJobMedia(this RouteGroupBuilder jobs)
    {
        jobs.MapMethods("/{id:guid}/media", GetHead, GetMedia).WithName("GetJobMedia")
            .WithSummary("Play now: the bytes a running direct download has on disk so far (Range within them, 416 past them, no-store), "
                + "the entry's file once the job completed; 409 not-playable-yet when nothing playable is on disk (yet).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapPost("/{id:guid}/media/links", CreateLink).WithName("CreateJobMediaLink")
            .WithSummary("A short-lived URL for the job's media (play now, then the entry) without a token (ttlSeconds default 6 h, max 7 days).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return jobs;
    }

    private static async Task<IResult> GetMedia(Guid id, HttpContext context, JobAccess access, EntryService entries,
        IOptions<HubOptions> options, CancellationToken ct)
    {
        var job = await access.GetVisibleAsync(context.User.ToRequester(), id, ct);
        return await ServeAsync(context, job, entries, options.Value, EntryFiles.TokenLabel(context.User), ct);
    }

    private static async Task<IResult> CreateLink(Guid id, CreateLinkRequest? body, HttpContext context, JobAccess access, SignedLinks links,
        CancellationToken ct)
    {
        if (body?.TtlSeconds is < 1 or > 7 * 24 * 3600)
            throw new HubValidationException("ttlSeconds", "ttlSeconds must be between 1 and 604800 (7 days).");
        await access.GetVisibleAsync(context.User.ToRequester(), id, ct); // 404 for a job the caller cannot see
        var ttl = body?.TtlSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        var (url, path, expires) = await links.CreateAsync(id, SignedLinks.JobMedia, ttl, TokenClaims.TokenIdOf(context.User), ct);
        return TypedResults.Ok(new SignedLinkDto(url?.AbsoluteUri, path, SignedLinks.JobMedia, expires));
    }

    /// <summary>What a valid signed job-media link serves (<c>/s/{token}</c>): the link is the permission.</summary>
    public static async Task<IResult> ServeSignedAsync(HttpContext context, Guid jobId, CancellationToken ct)
    {
        var services = context.RequestServices;
        Job job;
        try
        {
            job = await services.GetRequiredService<JobQueue>().GetAsync(jobId, ct);
        }
        catch (HubNotFoundException ex)
        {
            return TypedResults.Problem(Problems.Create(StatusCodes.Status404NotFound, "not-found", "Not found", ex.Message));
        }
        return await ServeAsync(context, job, services.GetRequiredService<EntryService>(), services.GetRequiredService<IOptions<HubOptions>>().Value, "signed", ct);
    }

    private static async Task<IResult> ServeAsync(HttpContext context, Job job, EntryService entries, HubOptions options, string? servedTo, CancellationToken ct)
    {
        var id = job.Id;
        if (job.State == JobStates.Completed && job.EntryId is { } entryId)
        {
            return EntryFiles.Serve(context, await entries.GetForServingAsync(entryId, ct), SignedLinks.Stream, servedTo);
        }
        if (JobStates.IsTerminal(job.State))
        {
            return NotPlayable($"Job {id} is {job.State} and has no file to play.");
        }
        if (GrowingDownload.Find(JobWorkDirs.For(job, options)) is not { } growing)
        {
            return NotPlayable($"Job {id} has no direct download in progress now: streams fetched in fragments and torrents play once imported, and a finished download once the job completes.");
        }
        var audio = growing.ContentType?.StartsWith("audio/", StringComparison.OrdinalIgnoreCase) == true;
        var contentType = MediaContentTypes.For(growing.FileName, null, audio ? "audio" : "video");
        if (contentType == MediaContentTypes.Fallback)
        {
            return NotPlayable($"'{growing.FileName}' is not a format a player can start before it is complete.");
        }
        FileStream file;
        try
        {
            // The engine holds the file open for writing; it may also rename it the moment it finishes.
            file = new FileStream(growing.PartPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 0, FileOptions.Asynchronous);
        }
        catch (FileNotFoundException)
        {
            return NotPlayable($"Job {id} just finished downloading; ask again in a moment.");
        }
        var length = file.Length;
        if (length == 0)
        {
            await file.DisposeAsync();
            return NotPlayable($"Job {id} has no bytes on disk yet.");
        }
        EntryFiles.IgnoreForeignRangeUnits(context.Request);
        // The representation grows with every request: nothing may keep an old cut of it.
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Stream(new FileSnapshotStream(file, length), contentType, enableRangeProcessing: true);
    }

    private static IResult NotPlayable(string detail) =>
        TypedResults.Problem(Problems.Create(StatusCodes.Status409Conflict, NotPlayableYet, "Not playable yet", detail));
}
