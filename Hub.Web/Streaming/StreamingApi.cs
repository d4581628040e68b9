using System.Security.Claims;
using Hub.Domain;
using Hub.Web.RateLimits;
using Hub.Domain.Access;
using Hub.Domain.Entries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Hub.Web.Streaming;

public sealed record CreateLinkRequest(int? TtlSeconds, string? Kind);

/// <summary>url is absolute on Hub:PublicUrl (else Hub's concrete listen address), or null when Hub knows neither: use path then.</summary>
/// <param name="Subtitles">The entry's subtitle tracks, served through the same link (for a player's &lt;track&gt;s).</param>
public sealed record SignedLinkDto(string? Url, string Path, string Kind, DateTimeOffset ExpiresAt, IReadOnlyList<Entries.SubtitleTrackDto>? Subtitles = null);

/// <summary>
/// Files of entries: <c>GET|HEAD /entries/{id}/stream</c>, <c>/download</c>, <c>/thumbnail</c>, signed links
/// (<c>POST /entries/{id}/links</c>) and the token-less <c>GET|HEAD /s/{token}</c> they point to.
/// </summary>
public static class StreamingApi
{
    private static readonly string[] GetHead = [HttpMethods.Get, HttpMethods.Head];

    public static RouteGroupBuilder MapStreaming(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/entries/{id:guid}").WithTags("Streaming");
        g.MapMethods("/stream", GetHead, Stream).WithName("StreamEntry")
            .WithSummary("The entry's file with HTTP range support (Accept-Ranges, 206, 416, If-Range, 304).");
        g.MapGet("/download", Download).WithName("DownloadEntry").WithSummary("The entry's file as an attachment with a safe file name.");
        g.MapGet("/thumbnail", Thumbnail).WithName("GetEntryThumbnail").WithSummary("The entry's thumbnail (JPEG), 404 when it has none.");
        g.MapPost("/links", CreateLink).WithName("CreateSignedLink")
            .WithSummary("A short-lived URL that streams or downloads the entry without a token (ttlSeconds default 6 h, max 7 days).");
        return api;
    }

    /// <summary>The public route of signed links, outside the token-protected group.</summary>
    public static WebApplication MapSignedLinks(this WebApplication app)
    {
        app.MapMethods(SignedLinks.PathPrefix + "{token}", GetHead, Signed).AllowAnonymous().RequireRateLimiting(ClientRateLimits.Tokenless).WithTags("Streaming")
            .WithName("SignedLink").WithSummary("Streams or downloads the entry a signed link names (or plays a job's media now); 403 when expired or tampered with.");
        return app;
    }

    private static async Task<IResult> Stream(Guid id, HttpContext context, EntryService entries, CancellationToken ct) =>
        EntryFiles.Serve(context, await entries.GetForServingAsync(id, ct), SignedLinks.Stream, EntryFiles.TokenLabel(context.User));

    private static async Task<IResult> Download(Guid id, HttpContext context, EntryService entries, CancellationToken ct) =>
        EntryFiles.Serve(context, await entries.GetForServingAsync(id, ct), SignedLinks.Download, EntryFiles.TokenLabel(context.User));

    private static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> Thumbnail(Guid id, EntryService entries, CancellationToken ct)
    {
        var entry = await entries.GetAsync(id, ct);
        if (entry.ThumbnailPath is not { } path || !File.Exists(path))
        {
            return TypedResults.Problem(Problems.Create(StatusCodes.Status404NotFound, "no-thumbnail", "No thumbnail", $"Entry {id} has no thumbnail."));
        }
        var file = new FileInfo(path);
        return TypedResults.PhysicalFile(file.FullName, "image/jpeg", lastModified: file.LastWriteTimeUtc,
            entityTag: EntryFiles.ETag(entry, file));
    }

    private static async Task<Ok<SignedLinkDto>> CreateLink(Guid id, CreateLinkRequest? body, EntryService entries,
        SignedLinks links, ClaimsPrincipal user, CancellationToken ct)
    {
        var kind = string.IsNullOrWhiteSpace(body?.Kind) ? SignedLinks.Stream : body.Kind.Trim().ToLowerInvariant();
        if (kind is not (SignedLinks.Stream or SignedLinks.Download))
            throw new HubValidationException("kind", "kind must be stream or download.");
        if (body?.TtlSeconds is < 1 or > 7 * 24 * 3600)
            throw new HubValidationException("ttlSeconds", "ttlSeconds must be between 1 and 604800 (7 days).");
        var entry = await entries.GetAsync(id, ct); // 404 for an unknown entry
        var ttl = body?.TtlSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        var (url, path, expires) = await links.CreateAsync(id, kind, ttl, TokenClaims.TokenIdOf(user), ct); // revoking the token ends it
        var tracks = Entries.SubtitlesApi.Tracks(entry, SignedSubtitlesApi.PrefixOf(path));
        return TypedResults.Ok(new SignedLinkDto(url?.AbsoluteUri, path, kind, expires, tracks));
    }

    private static async Task<IResult> Signed(string token, HttpContext context, SignedLinks links, EntryService entries, CancellationToken ct)
    {
        var (link, failure) = await links.ValidateAsync(token, ct);
        if (link is null)
        {
            return TypedResults.Problem(Problems.Create(StatusCodes.Status403Forbidden, "invalid-link", "Link not valid", failure));
        }
        if (link!.Kind == SignedLinks.JobMedia)
        {
            return await Jobs.JobMediaApi.ServeSignedAsync(context, link.EntryId, ct);
        }
        Entry entry;
        try
        {
            entry = await entries.GetForServingAsync(link!.EntryId, ct);
        }
        catch (HubNotFoundException ex)
        {
            return TypedResults.Problem(Problems.Create(StatusCodes.Status404NotFound, "not-found", "Not found", ex.Message));
        }
        return EntryFiles.Serve(context, entry, link.Kind, "signed");
    }

}
