using Hub.Domain;
using Hub.Domain.Access;
using Hub.Domain.Entries;
using Hub.Web.Entries;
using Hub.Web.RateLimits;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Streaming;

/// <summary>
/// A signed link's entry's subtitle tracks, so a player given only the link gets captions too:
/// <c>GET /s/{token}/subtitles</c> lists them and <c>GET /s/{token}/subtitles/{lang}.vtt</c> serves one. Whoever holds
/// the link may already play the file, so its words come with it; nothing else of the entry does.
/// </summary>
public static class SignedSubtitlesApi
{
    public static WebApplication MapSignedSubtitles(this WebApplication app)
    {
        var g = app.MapGroup(SignedLinks.PathPrefix + "{token}/subtitles").AllowAnonymous().RequireRateLimiting(ClientRateLimits.Tokenless).WithTags("Streaming");
        g.MapGet("/", List).WithName("SignedSubtitles").WithSummary("The subtitle tracks of the entry a signed link names, each with its signed WebVTT URL.");
        g.MapGet("/{file}", Vtt).WithName("SignedSubtitleTrack").WithSummary("One track of the entry a signed link names, as WebVTT: {lang}.vtt.");
        return app;
    }

    /// <summary>Where a link's tracks are listed and served: its own path plus <c>/subtitles/</c>.</summary>
    public static string PrefixOf(string linkPath) => linkPath.TrimEnd('/') + "/subtitles/";

    private static async Task<IResult> List(string token, HttpContext context, SignedLinks links, EntryService entries, CancellationToken ct)
    {
        var (entry, problem) = await EntryOfAsync(token, links, entries, ct);
        if (entry is null) return problem!;
        AllowAnyOrigin(context);
        return TypedResults.Ok(SubtitlesApi.Tracks(entry, PrefixOf(SignedLinks.PathPrefix + token)));
    }

    private static async Task<IResult> Vtt(string token, string file, HttpContext context, SignedLinks links, EntryService entries, CancellationToken ct)
    {
        var (entry, problem) = await EntryOfAsync(token, links, entries, ct);
        if (entry is null) return problem!;
        try
        {
            var result = SubtitlesApi.Serve(entry, file);
            AllowAnyOrigin(context);
            return result;
        }
        catch (HubNotFoundException ex)
        {
            return TypedResults.Problem(Problems.Create(StatusCodes.Status404NotFound, "not-found", "Not found", ex.Message));
        }
    }

    /// <summary>
    /// A &lt;track&gt; is always fetched in CORS mode, so a player on another site needs this to show the captions. The
    /// token in the path is the whole credential (no cookies), so any origin may read what the link already gives.
    /// </summary>
    private static void AllowAnyOrigin(HttpContext context) => context.Response.Headers.AccessControlAllowOrigin = "*";

    private static async Task<(Entry? Entry, IResult? Problem)> EntryOfAsync(string token, SignedLinks links, EntryService entries, CancellationToken ct)
    {
        var (link, failure) = await links.ValidateAsync(token, ct);
        if (link is null)
        {
            return (null, TypedResults.Problem(Problems.Create(StatusCodes.Status403Forbidden, "invalid-link", "Link not valid", failure)));
        }
        if (link.Kind == SignedLinks.JobMedia)
        {
            // A "play now" link names a job, not an entry; its tracks are filed with the entry when the job ends.
            return (null, TypedResults.Problem(Problems.Create(StatusCodes.Status404NotFound, "no-subtitles", "No subtitles",
                "A link to a running job has no subtitles; ask for the entry's link once it is imported.")));
        }
        try
        {
            return (await entries.GetForServingAsync(link.EntryId, ct), null);
        }
        catch (HubNotFoundException ex)
        {
            return (null, TypedResults.Problem(Problems.Create(StatusCodes.Status404NotFound, "not-found", "Not found", ex.Message)));
        }
    }
}
