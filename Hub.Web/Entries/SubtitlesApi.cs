using Hub.Domain;
using Hub.Domain.Entries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Entries;

/// <param name="Source">site (the page's own), auto (automatic captions) or embedded (a stream that was inside the file).</param>
public sealed record SubtitleTrackDto(string Lang, string? Label, string Source, string Url);

/// <summary><c>/api/v1/entries/{id}/subtitles</c>: an entry's subtitle tracks as WebVTT (for a player's &lt;track&gt;) and as text.</summary>
public static class SubtitlesApi
{
    public static RouteGroupBuilder MapSubtitles(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/entries/{id:guid}/subtitles").WithTags("Entries").ProducesProblem(StatusCodes.Status404NotFound);
        g.MapGet("/", List).WithName("ListSubtitles").WithSummary("The entry's subtitle tracks (language, label, where they came from, the WebVTT URL).");
        g.MapGet("/{file}", Vtt).WithName("GetSubtitles").WithSummary("One track as WebVTT: /subtitles/{lang}.vtt.")
            .Produces(StatusCodes.Status200OK, contentType: "text/vtt");
        g.MapGet("/{lang}/transcript", TranscriptOf).WithName("GetTranscript")
            .WithSummary("What was said, as plain text from one track (timestamps=true adds [m:ss]); cursor pages through long videos.");
        return api;
    }

    private static async Task<Ok<List<SubtitleTrackDto>>> List(Guid id, EntryService entries, CancellationToken ct)
    {
        var entry = await entries.GetAsync(id, ct);
        return TypedResults.Ok(Tracks(entry, $"/api/v1/entries/{id}/subtitles/"));
    }

    /// <summary>The tracks whose files are there, each with its URL under <paramref name="prefix"/> (the API's or a signed link's).</summary>
    internal static List<SubtitleTrackDto> Tracks(Entry entry, string prefix) =>
        [.. EntrySubtitles.Of(entry).Where(t => EntrySubtitles.FileOf(entry, t) is not null)
            .Select(t => new SubtitleTrackDto(t.Lang, t.Label, t.Source, $"{prefix}{t.Lang}.vtt"))];

    private static async Task<IResult> Vtt(Guid id, string file, EntryService entries, CancellationToken ct) =>
        Serve(await entries.GetAsync(id, ct), file);

    /// <summary>The track <paramref name="file"/> (<c>{lang}.vtt</c>) of <paramref name="entry"/> as WebVTT.</summary>
    internal static IResult Serve(Entry entry, string file)
    {
        if (!file.EndsWith(".vtt", StringComparison.OrdinalIgnoreCase))
        {
            throw new HubNotFoundException("subtitles", "Subtitles are served as {lang}.vtt.");
        }
        var track = EntrySubtitles.Pick(entry, file[..^4]) ?? throw new HubNotFoundException("subtitles", $"This entry has no {file[..^4]} subtitles.");
        var path = EntrySubtitles.FileOf(entry, track) ?? throw new HubNotFoundException("subtitles", $"The {track.Lang} subtitle file is missing.");
        return Results.File(path, "text/vtt; charset=utf-8");
    }

    private static async Task<Ok<Transcript>> TranscriptOf(Guid id, string lang, int? cursor, bool? timestamps, EntryService entries, CancellationToken ct)
    {
        var entry = await entries.GetAsync(id, ct);
        var track = EntrySubtitles.Pick(entry, lang == "any" ? null : lang) ?? throw new HubNotFoundException("subtitles", $"This entry has no {lang} subtitles.");
        return TypedResults.Ok(await EntrySubtitles.ReadAsync(entry, track, cursor ?? 0, timestamps ?? false, ct));
    }
}
