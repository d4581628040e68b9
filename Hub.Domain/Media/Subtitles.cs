using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Hub.Domain.Processes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Media;

/// <summary>The <c>Hub:Subtitles</c> section.</summary>
public sealed class SubtitleOptions
{
    /// <summary>Languages yt-dlp fetches (its <c>--sub-langs</c> patterns: <c>en</c>, <c>en.*</c>, <c>de</c>); empty fetches none.</summary>
    public List<string> Languages { get; set; } = ["en", "en-.*"];

    /// <summary>Also take a site's automatic captions (speech recognition) when it has no subtitles of its own.</summary>
    public bool AutomaticCaptions { get; set; }

    /// <summary>Text subtitle streams inside downloaded or uploaded files are extracted to WebVTT.</summary>
    public bool ExtractEmbedded { get; set; } = true;

    /// <summary>What an import into <paramref name="library"/> fetches: the library's own choice where it made one, this setting elsewhere.</summary>
    public SubtitleChoice For(Libraries.Library? library) =>
        new(library?.SubtitleLanguages ?? Languages, library?.AutomaticCaptions ?? AutomaticCaptions);
}

/// <summary>The subtitles yt-dlp fetches for one import (<see cref="SubtitleOptions.For"/>); no languages fetches none.</summary>
public sealed record SubtitleChoice(IReadOnlyList<string> Languages, bool AutomaticCaptions);

/// <summary>A subtitle track of an entry, stored beside its file as <c>NAME.LANG.vtt</c>.</summary>
/// <param name="Source">site (the page's own), auto (its automatic captions) or embedded (a stream inside the file).</param>
public sealed record SubtitleTrack(string Lang, string? Label, string Source)
{
    /// <summary>Where the track of the media file <paramref name="mediaPath"/> lives: beside it, so moves and restores carry it.</summary>
    public string PathFor(string mediaPath) => Path.ChangeExtension(mediaPath, null) + "." + Lang + ".vtt";
}

/// <summary>A subtitle file found or made in a job's work folder, before it is filed beside the media.</summary>
public sealed record SubtitleFile(string Path, SubtitleTrack Track);

/// <summary>
/// Finds the WebVTT files yt-dlp wrote, extracts text subtitle streams from a file with ffmpeg, and files the tracks
/// beside the media. Image subtitles (DVD, PGS) cannot become text and are left in the file.
/// </summary>
public sealed partial class SubtitleFiles(ProcessRunner runner, IOptions<HubOptions> options, ILogger<SubtitleFiles> logger)
{
    private static readonly HashSet<string> TextCodecs = ["subrip", "srt", "ass", "ssa", "mov_text", "webvtt", "text"];

    /// <summary>yt-dlp's <c>ID.LANG.vtt</c> files next to <paramref name="mediaPath"/> in the work folder.</summary>
    public static IReadOnlyList<SubtitleFile> FromYtDlp(string mediaPath, bool automatic)
    {
        var dir = Path.GetDirectoryName(mediaPath)!;
        var stem = Path.GetFileNameWithoutExtension(mediaPath);
        return [.. Directory.EnumerateFiles(dir, stem + ".*.vtt")
            .Select(f => (File: f, Lang: Path.GetFileNameWithoutExtension(f)[(stem.Length + 1)..]))
            .Where(x => SafeLang().IsMatch(x.Lang))
            .Select(x => new SubtitleFile(x.File, new SubtitleTrack(x.Lang, null, automatic ? "auto" : "site")))];
    }

    /// <summary>Each text subtitle stream of <paramref name="mediaPath"/> as a WebVTT file in <paramref name="workDir"/>.</summary>
    public async Task<IReadOnlyList<SubtitleFile>> ExtractEmbeddedAsync(string mediaPath, MediaInfo media, string workDir, CancellationToken ct)
    {
        if (!options.Value.Subtitles.ExtractEmbedded)
        {
            return [];
        }
        var found = new List<SubtitleFile>();
        var subtitleStreams = media.Streams.Where(s => s.CodecType == "subtitle").ToList();
        for (var n = 0; n < subtitleStreams.Count; n++)
        {
            var s = subtitleStreams[n];
            if (!TextCodecs.Contains(s.CodecName ?? ""))
            {
                continue;
            }
            var lang = s.Language is { } l && SafeLang().IsMatch(l) && l != "und" ? l : "und";
            if (found.Any(f => f.Track.Lang == lang)) lang += "-" + n.ToString(CultureInfo.InvariantCulture);
            var output = Path.Combine(workDir, $"embedded.{lang}.vtt");
            var result = await runner.RunAsync(new ProcessSpec(options.Value.Tools.FFmpeg,
                ["-hide_banner", "-loglevel", "error", "-y", "-protocol_whitelist", FfprobeClient.LocalProtocols, "-i", Path.GetFullPath(mediaPath),
                 "-map", $"0:s:{n}", "-c:s", "webvtt", "-f", "webvtt", output]) { Timeout = TimeSpan.FromMinutes(2) }, ct).ConfigureAwait(false);
            if (result.Succeeded && File.Exists(output))
            {
                found.Add(new SubtitleFile(output, new SubtitleTrack(lang, s.Title, "embedded")));
            }
            else
            {
                logger.LogWarning("Could not extract subtitle stream {Stream} of {File}: {Error}", n, mediaPath, result.Stderr.Trim());
            }
        }
        return found;
    }

    /// <summary>Moves the tracks beside the filed media; returns those that made it.</summary>
    public IReadOnlyList<SubtitleTrack> PlaceBeside(string finalMediaPath, IEnumerable<SubtitleFile> files)
    {
        var placed = new List<SubtitleTrack>();
        foreach (var f in files.DistinctBy(f => f.Track.Lang))
        {
            try
            {
                File.Move(f.Path, f.Track.PathFor(finalMediaPath), overwrite: true);
                placed.Add(f.Track);
            }
            catch (IOException ex)
            {
                logger.LogWarning("Could not file the {Lang} subtitles beside {File}: {Error}", f.Track.Lang, finalMediaPath, ex.Message);
            }
        }
        return placed;
    }

    /// <summary>A language tag as a file name part: letters, digits and dashes only.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]{0,34}$")]
    public static partial Regex SafeLang();
}

/// <summary>One cue of a WebVTT file.</summary>
public sealed record SubtitleCue(double Start, double End, string Text);

/// <summary>Reads WebVTT into cues with plain text (tags and duplicate rolling lines of automatic captions removed).</summary>
public static partial class WebVtt
{
    public static IReadOnlyList<SubtitleCue> Parse(string text)
    {
        var cues = new List<SubtitleCue>();
        var blocks = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        string? previous = null;
        foreach (var block in blocks)
        {
            var lines = block.Split('\n');
            var timing = Array.FindIndex(lines, l => l.Contains("-->", StringComparison.Ordinal));
            if (timing < 0) continue;
            var parts = lines[timing].Split("-->", 2);
            if (!TryTime(parts[0].Trim(), out var start) || !TryTime(parts[1].Trim().Split(' ')[0], out var end)) continue;
            var body = string.Join(' ', lines.Skip(timing + 1).Select(l => Tags().Replace(l, "").Trim()).Where(l => l.Length > 0));
            body = System.Net.WebUtility.HtmlDecode(body);
            if (body.Length == 0 || body == previous) continue;
            cues.Add(new SubtitleCue(start, end, body));
            previous = body;
        }
        return cues;
    }

    private static bool TryTime(string s, out double seconds)
    {
        seconds = 0;
        var parts = s.Split(':');
        if (parts.Length is < 2 or > 3) return false;
        double total = 0;
        foreach (var p in parts)
        {
            if (!double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return false;
            total = total * 60 + v;
        }
        seconds = total;
        return true;
    }

    public static string Stamp(double seconds) => TimeSpan.FromSeconds(Math.Floor(seconds)).ToString(seconds >= 3600 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();
}
