using System.Text;
using System.Text.Json;
using Hub.Domain.Jobs;
using Hub.Domain.Media;

namespace Hub.Domain.Entries;

/// <summary>A page of what was said in an entry, from one subtitle track.</summary>
/// <param name="NextCursor">The cue to continue from; null on the last page.</param>
public sealed record Transcript(Guid EntryId, string Lang, string Source, int TotalCues, int From, int? NextCursor, string Text);

/// <summary>An entry's subtitle tracks (listed in its properties; the files sit beside its media) and its transcript.</summary>
public static class EntrySubtitles
{
    public const int MaxPageChars = 20_000;

    /// <summary>
    /// The tracks the entry lists. Properties can be edited (PATCH), so a language that is not a plain tag is dropped here:
    /// it names a file beside the media and must never reach outside that folder.
    /// </summary>
    public static IReadOnlyList<SubtitleTrack> Of(Entry entry)
    {
        if (entry.Properties is not { } p || p.RootElement.ValueKind != JsonValueKind.Object
            || !p.RootElement.TryGetProperty("subtitles", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return [];
        }
        try
        {
            return [.. (list.Deserialize<List<SubtitleTrack>>(JobJson.Options) ?? []).Where(t => t?.Lang is { } l && SubtitleFiles.SafeLang().IsMatch(l))];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>The track in <paramref name="lang"/> (or the first, preferring the site's own over embedded); null when there is none.</summary>
    public static SubtitleTrack? Pick(Entry entry, string? lang)
    {
        var tracks = Of(entry);
        return lang is { Length: > 0 }
            ? tracks.FirstOrDefault(t => t.Lang.Equals(lang, StringComparison.OrdinalIgnoreCase))
              ?? tracks.FirstOrDefault(t => t.Lang.StartsWith(lang + "-", StringComparison.OrdinalIgnoreCase))
            : tracks.OrderBy(t => t.Source == "site" ? 0 : t.Source == "embedded" ? 1 : 2).FirstOrDefault();
    }

    /// <summary>The file of a track, when it is there.</summary>
    public static string? FileOf(Entry entry, SubtitleTrack track) => track.PathFor(entry.FilePath) is var path && File.Exists(path) ? path : null;

    /// <summary>
    /// Plain text from <paramref name="from"/> on, up to about <see cref="MaxPageChars"/> characters, with <c>[m:ss]</c>
    /// stamps when asked; the cursor says where the next page starts.
    /// </summary>
    public static async Task<Transcript> ReadAsync(Entry entry, SubtitleTrack track, int from, bool timestamps, CancellationToken ct)
    {
        var path = FileOf(entry, track) ?? throw new HubNotFoundException("subtitles", $"The {track.Lang} subtitle file of this entry is missing.");
        var cues = WebVtt.Parse(await File.ReadAllTextAsync(path, ct).ConfigureAwait(false));
        var sb = new StringBuilder();
        var i = Math.Clamp(from, 0, cues.Count);
        for (; i < cues.Count && sb.Length < MaxPageChars; i++)
        {
            if (timestamps) sb.Append('[').Append(WebVtt.Stamp(cues[i].Start)).Append("] ").Append(cues[i].Text).Append('\n');
            else sb.Append(cues[i].Text).Append(' ');
        }
        return new Transcript(entry.Id, track.Lang, track.Source, cues.Count, Math.Clamp(from, 0, cues.Count), i < cues.Count ? i : null, sb.ToString().TrimEnd());
    }
}
