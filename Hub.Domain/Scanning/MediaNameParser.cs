using System.Text.RegularExpressions;

namespace Hub.Domain.Scanning;

/// <summary>What a file's name (and the folders above it) says it is. <see cref="Kind"/> is null when nothing fits.</summary>
/// <param name="Kind">"episode", "movie" or "track".</param>
/// <param name="Confident">True when the parse is good enough to file the file without asking anyone.</param>
public sealed record ParsedName(string? Kind, string? Title, int? Year, int? Season, int? Episode, int? EpisodeEnd, string? Resolution, string? Source,
    int? Part, string? Artist, string? Album, int? Track, bool Confident)
{
    /// <summary>The entry title this parse gives: "Show S01E02", "Film (1999)", "Artist - Song".</summary>
    public string? DisplayTitle => Kind switch
    {
        "episode" => $"{Title} S{Season:00}E{Episode:00}{(EpisodeEnd is { } e ? $"-E{e:00}" : "")}",
        "movie" => $"{Title}{(Year is { } y ? $" ({y})" : "")}{(Part is { } p ? $" - Part {p}" : "")}",
        "track" => Artist is { Length: > 0 } a ? $"{a} - {Title}" : Title,
        _ => Title,
    };
}

/// <summary>
/// Pure file-name rules for existing media: TV episodes (<c>Show.S01E02</c>, <c>1x02</c>, <c>S01E01E02</c>), films
/// (<c>Title (Year)</c>, <c>Title.Year.1080p.BluRay</c>, multi-part <c>CD1</c>/<c>Part 2</c>) and music
/// (<c>Artist/Album/01 - Song.mp3</c>), with resolution and source tags. Tested one-to-one on golden cases.
/// </summary>
public static partial class MediaNameParser
{
    [GeneratedRegex(@"(?<![a-z0-9])s(?<s>\d{1,2})[ ._-]?e(?<e>\d{1,3})(?:[ ._-]?-?[ ._-]?e(?<e2>\d{1,3}))?(?![0-9])", RegexOptions.IgnoreCase)]
    private static partial Regex SeasonEpisode();

    [GeneratedRegex(@"(?<![a-z0-9])(?<s>\d{1,2})x(?<e>\d{2,3})(?![0-9])", RegexOptions.IgnoreCase)]
    private static partial Regex CrossEpisode();

    [GeneratedRegex(@"(?<![0-9])(?<y>19[0-9]{2}|20[0-9]{2})(?![0-9])")]
    private static partial Regex Year();

    [GeneratedRegex(@"(?<![a-z0-9])(?<r>2160p|1080p|1080i|720p|576p|480p|4k|uhd)(?![a-z0-9])", RegexOptions.IgnoreCase)]
    private static partial Regex Resolution();

    [GeneratedRegex(@"(?<![a-z0-9])(?<src>blu-?ray|bdrip|brrip|bdremux|remux|web-?dl|webrip|web|hdtv|dvdrip|dvd|hdrip|hdcam|cam)(?![a-z0-9])", RegexOptions.IgnoreCase)]
    private static partial Regex Source();

    [GeneratedRegex(@"(?<![a-z0-9])(?:cd|part|pt|disc|disk)[ ._-]?(?<p>\d{1,2})(?![0-9])", RegexOptions.IgnoreCase)]
    private static partial Regex PartTag();

    [GeneratedRegex(@"^(?<n>\d{1,3})(?:[ ._-]+|\.\s*)(?<rest>.+)$")]
    private static partial Regex TrackNumber();

    [GeneratedRegex(@"^(?:season|series|staffel|saison)[ ._-]*\d+$|^s\d{1,2}$", RegexOptions.IgnoreCase)]
    private static partial Regex SeasonFolder();

    [GeneratedRegex(@"\[[^\]]*\]|\{[^}]*\}")]
    private static partial Regex Bracketed();

    private static readonly HashSet<string> AudioExtensions = new(Engines.Http.HttpMediaTypes.AudioExtensions, StringComparer.OrdinalIgnoreCase);

    /// <param name="relativePath">The file's path inside its library, with '/' between folders.</param>
    public static ParsedName Parse(string relativePath)
    {
        var parts = relativePath.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var file = parts.Length > 0 ? parts[^1] : "";
        var folders = parts[..^1];
        var ext = Path.GetExtension(file);
        var raw = Path.GetFileNameWithoutExtension(file);
        var resolution = Resolution().Match(raw) is { Success: true } r ? r.Groups["r"].Value.ToLowerInvariant() : null;
        var source = Source().Match(raw) is { Success: true } s ? NormalizeSource(s.Groups["src"].Value) : null;
        var stem = Bracketed().Replace(raw, " "); // release groups and tags in brackets are not part of a title

        if (AudioExtensions.Contains(ext))
        {
            return ParseTrack(stem, folders);
        }

        var se = SeasonEpisode().Match(stem);
        if (!se.Success) se = CrossEpisode().Match(stem);
        if (se.Success)
        {
            var title = Clean(stem[..se.Index]);
            if (title.Length == 0)
            {
                // "Show/Season 1/S01E02.mkv": the show is the nearest folder that is not a season folder.
                title = folders.Reverse().Select(Clean).FirstOrDefault(f => f.Length > 0 && !SeasonFolder().IsMatch(f)) ?? "";
            }
            var year = Year().Match(title) is { Success: true } ty && ty.Index > 0 ? int.Parse(ty.Groups["y"].Value) : (int?)null;
            if (year is not null) title = Clean(Year().Replace(title, "").Replace("()", ""));
            var end = se.Groups["e2"].Success ? int.Parse(se.Groups["e2"].Value) : (int?)null;
            return new ParsedName("episode", title.Length > 0 ? title : null, year, int.Parse(se.Groups["s"].Value), int.Parse(se.Groups["e"].Value), end,
                resolution, source, null, null, null, null, title.Length > 0);
        }

        // A film: the title ends at the year (the last plausible one that is not the whole title: "2001 A Space Odyssey 1968").
        var part = PartTag().Match(stem) is { Success: true } pm ? int.Parse(pm.Groups["p"].Value) : (int?)null;
        var years = Year().Matches(stem).Where(m => m.Index > 0).ToList();
        if (years.Count > 0)
        {
            var y = years[^1];
            var title = Clean(stem[..y.Index]);
            if (title.Length > 0)
            {
                return new ParsedName("movie", title, int.Parse(y.Groups["y"].Value), null, null, null, resolution, source, part, null, null, null, true);
            }
        }
        // No year: the name up to the first tag, not confident enough to file on its own.
        var cut = new[] { Resolution().Match(stem), Source().Match(stem), PartTag().Match(stem) }.Where(m => m.Success).Select(m => m.Index).DefaultIfEmpty(stem.Length).Min();
        var plain = Clean(stem[..cut]);
        return new ParsedName(plain.Length > 0 ? "movie" : null, plain.Length > 0 ? plain : null, null, null, null, null, resolution, source, part,
            null, null, null, false);
    }

    private static ParsedName ParseTrack(string stem, string[] folders)
    {
        int? track = null;
        var rest = stem.Trim();
        if (TrackNumber().Match(rest) is { Success: true } t)
        {
            track = int.Parse(t.Groups["n"].Value);
            rest = t.Groups["rest"].Value;
        }
        string? artist = null;
        var dash = rest.IndexOf(" - ", StringComparison.Ordinal);
        if (dash > 0)
        {
            artist = Clean(rest[..dash]);
            rest = rest[(dash + 3)..];
        }
        var title = Clean(rest);
        // Artist/Album/01 - Song.mp3: folders name what the file does not.
        var album = folders.Length >= 1 ? Clean(Year().Replace(folders[^1], "").Replace("()", "")) : null;
        if (artist is null && folders.Length >= 2) artist = Clean(folders[^2]);
        if (album is { Length: 0 }) album = null;
        var confident = title.Length > 0 && artist is { Length: > 0 };
        return new ParsedName("track", title.Length > 0 ? title : null, null, null, null, null, null, null, null, artist, album, track, confident);
    }

    private static string NormalizeSource(string s) => s.ToLowerInvariant().Replace("-", "") switch
    {
        "bluray" or "bdrip" or "brrip" or "bdremux" => "bluray",
        "webdl" or "web" => "web-dl",
        var other => other,
    };

    /// <summary>Dots and underscores as spaces, no trailing separators or brackets, single spaces.</summary>
    private static string Clean(string s)
    {
        var t = s.Replace('.', ' ').Replace('_', ' ');
        t = string.Join(' ', t.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return t.Trim(' ', '-', '(', '[', ',');
    }
}
