using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hub.Domain.Imports;

namespace Hub.Domain.Engines.YtDlp;

/// <summary>Maps yt-dlp's info JSON (from -J, or the INFO line of a download) onto Hub's probe and search records.</summary>
public static partial class YtDlpJsonMapper
{
    public const string EngineName = "yt-dlp";

    /// <summary>Extractors that only ever return audio, so the kind is known even when a flat result has no formats.</summary>
    private static readonly HashSet<string> AudioOnlyPlatforms = new(StringComparer.Ordinal)
    {
        "soundcloud", "bandcamp", "mixcloud", "audiomack", "audioboom", "podomatic", "spreaker",
    };

    /// <summary>Maps -J output; <paramref name="requested"/> is the URL that was probed.</summary>
    /// <exception cref="FormatException">The text is not a yt-dlp info object (e.g. the literal <c>null</c> it prints on error).</exception>
    public static ProbeResult ToProbeResult(string json, Uri requested)
    {
        using var doc = Parse(json);
        var root = doc.RootElement;
        return Str(root, "_type") == "playlist" ? Playlist(root, requested) : Single(root, requested.AbsoluteUri, topLevel: true);
    }

    /// <summary>Maps the JSON of a single item (a download's INFO line).</summary>
    public static ProbeResult ToItem(string json, Uri requested)
    {
        using var doc = Parse(json);
        return Single(doc.RootElement, requested.AbsoluteUri, topLevel: true);
    }

    /// <summary>Maps the -J output of a "ytsearchN:" or "scsearchN:" run.</summary>
    public static IReadOnlyList<SearchResult> ToSearchResults(string json, string fallbackPlatform)
    {
        using var doc = Parse(json);
        if (!doc.RootElement.TryGetProperty("entries", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            return [];
        }
        var results = new List<SearchResult>();
        foreach (var e in entries.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            var url = Str(e, "webpage_url") ?? Str(e, "url");
            if (url is null)
            {
                continue;
            }
            var platform = PlatformOf(Str(e, "ie_key") ?? Str(e, "extractor_key") ?? Str(e, "extractor")) ?? fallbackPlatform;
            var title = Str(e, "title") ?? Str(e, "id") ?? url;
            results.Add(new SearchResult(url, title, UploaderOf(e), Num(e, "duration"), ThumbnailOf(e), platform, Str(e, "id")));
        }
        return results;
    }

    private static ProbeResult Playlist(JsonElement root, Uri requested)
    {
        var pageUrl = Str(root, "webpage_url");
        var items = new List<PlaylistItem>();
        if (root.TryGetProperty("entries", out var entries) && entries.ValueKind == JsonValueKind.Array)
        {
            foreach (var e in entries.EnumerateArray())
            {
                if (e.ValueKind == JsonValueKind.Object && EntryUrl(e, pageUrl) is { } url)
                {
                    items.Add(new PlaylistItem(url, Str(e, "title"), Str(e, "id"), Num(e, "duration"))
                    {
                        IsLive = Str(e, "live_status") is "is_live" or "is_upcoming" || (e.TryGetProperty("is_live", out var live) && live.ValueKind == JsonValueKind.True),
                        UploadDate = Str(e, "upload_date") is { Length: 8 } d && DateOnly.TryParseExact(d, "yyyyMMdd", out var day) ? day : null,
                    });
                }
            }
        }
        return new ProbeResult
        {
            Url = pageUrl ?? Str(root, "original_url") ?? requested.AbsoluteUri,
            Engine = EngineName,
            Kind = SourceKind.SitePage,
            Title = Str(root, "title"),
            ThumbnailUrl = ThumbnailOf(root),
            Uploader = UploaderOf(root),
            Platform = PlatformOf(Str(root, "extractor") ?? Str(root, "extractor_key")),
            SourceId = Str(root, "id"),
            Description = Str(root, "description"),
            UploadDate = DateOf(Str(root, "upload_date")),
            IsPlaylist = true,
            EntryCount = Int(root, "playlist_count") ?? items.Count,
            Entries = items,
        };
    }

    /// <summary>
    /// The URL to hand back to yt-dlp for one entry. Flat entries (url, url_transparent) carry it in "url", which must
    /// be passed on unchanged (RSS entries smuggle data in its fragment). A resolved entry's "url" is the media file
    /// itself; its page is better unless the page is the playlist's own (several videos on one page).
    /// </summary>
    private static string? EntryUrl(JsonElement e, string? playlistPage)
    {
        var type = Str(e, "_type");
        var url = Str(e, "url");
        if (type is "url" or "url_transparent")
        {
            return url ?? Str(e, "webpage_url");
        }
        var page = Str(e, "webpage_url") ?? Str(e, "original_url");
        return page is not null && page != playlistPage ? page : url ?? page;
    }

    private static ProbeResult Single(JsonElement e, string requested, bool topLevel)
    {
        var platform = PlatformOf(Str(e, "extractor") ?? Str(e, "extractor_key"));
        var formats = FormatsOf(e);
        return new ProbeResult
        {
            Url = Str(e, "webpage_url") ?? Str(e, "original_url") ?? requested,
            Engine = EngineName,
            Kind = SourceKind.SitePage,
            Title = CleanTitle(Str(e, "title"), Str(e, "id"), platform, topLevel),
            DurationSeconds = Num(e, "duration"),
            ThumbnailUrl = ThumbnailOf(e),
            Uploader = UploaderOf(e),
            Platform = platform,
            SourceId = Str(e, "id"),
            Description = Str(e, "description"),
            MediaKind = KindOf(e, formats, platform),
            SizeBytes = Long(e, "filesize") ?? Long(e, "filesize_approx"),
            Extension = Str(e, "ext"),
            UploadDate = DateOf(Str(e, "upload_date")),
            Formats = formats,
        };
    }

    /// <summary>
    /// yt-dlp's html5 extractor names the n-th &lt;video&gt; of a page "Title (n)" with id "page-n". For a single video
    /// the suffix is noise, so it is removed, but only when the id proves where it came from (a real title such as
    /// "Symphony (5)" from another extractor is left alone). Playlist entries keep it: it tells them apart.
    /// </summary>
    internal static string? CleanTitle(string? title, string? id, string? platform, bool topLevel)
    {
        if (!topLevel || platform != "html5" || title is null || id is null)
        {
            return title;
        }
        var m = Html5Suffix().Match(title);
        if (m.Success && m.Index > 0 && id.EndsWith("-" + m.Groups[1].Value, StringComparison.Ordinal))
        {
            return title[..m.Index];
        }
        return title;
    }

    private static List<ProbeFormat> FormatsOf(JsonElement e)
    {
        var list = new List<ProbeFormat>();
        if (!e.TryGetProperty("formats", out var formats) || formats.ValueKind != JsonValueKind.Array)
        {
            return list;
        }
        foreach (var f in formats.EnumerateArray())
        {
            if (f.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            list.Add(new ProbeFormat(
                Str(f, "format_id") ?? list.Count.ToString(CultureInfo.InvariantCulture),
                Str(f, "ext"), Int(f, "width"), Int(f, "height"), Str(f, "vcodec"), Str(f, "acodec"),
                Long(f, "filesize") ?? Long(f, "filesize_approx"), Num(f, "tbr"), Str(f, "format_note")));
        }
        return list;
    }

    private static string KindOf(JsonElement e, List<ProbeFormat> formats, string? platform)
    {
        if (platform is not null && AudioOnlyPlatforms.Contains(platform))
        {
            return "audio";
        }
        if (formats.Count > 0)
        {
            return formats.All(f => f.VideoCodec == "none") ? "audio" : "video";
        }
        return Str(e, "vcodec") == "none" || (Str(e, "video_ext") == "none" && Str(e, "audio_ext") is { } a && a != "none")
            ? "audio"
            : "video";
    }

    /// <summary>"youtube" for extractor "youtube:tab"; the extractor name, not the key, so html5 reads "html5" and not "html5mediaembed".</summary>
    internal static string? PlatformOf(string? extractor)
    {
        if (string.IsNullOrWhiteSpace(extractor))
        {
            return null;
        }
        var colon = extractor.IndexOf(':', StringComparison.Ordinal);
        return (colon > 0 ? extractor[..colon] : extractor).ToLowerInvariant();
    }

    private static string? UploaderOf(JsonElement e) =>
        Str(e, "uploader") ?? Str(e, "channel") ?? Str(e, "artist") ?? Str(e, "creator");

    /// <summary>"thumbnail", else the largest of "thumbnails" (yt-dlp lists them worst first, so the last when sizes are unknown).</summary>
    private static string? ThumbnailOf(JsonElement e)
    {
        if (Str(e, "thumbnail") is { } t)
        {
            return t;
        }
        if (!e.TryGetProperty("thumbnails", out var thumbs) || thumbs.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        string? best = null;
        long bestArea = -1;
        foreach (var th in thumbs.EnumerateArray())
        {
            if (th.ValueKind != JsonValueKind.Object || Str(th, "url") is not { } url)
            {
                continue;
            }
            var area = (long)(Int(th, "width") ?? 0) * (Int(th, "height") ?? 0);
            if (area >= bestArea)
            {
                best = url;
                bestArea = area;
            }
        }
        return best;
    }

    internal static DateOnly? DateOf(string? yyyymmdd) =>
        DateOnly.TryParseExact(yyyymmdd, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private static JsonDocument Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException("yt-dlp did not print valid JSON.", ex);
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw new FormatException("yt-dlp printed no info object (it prints null when extraction failed).");
        }
        return doc;
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;

    private static double? Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) ? d : null;

    private static long? Long(JsonElement e, string name) => Num(e, name) is { } d ? (long)d : null;

    private static int? Int(JsonElement e, string name) => Num(e, name) is { } d and >= int.MinValue and <= int.MaxValue ? (int)d : null;

    [GeneratedRegex(@" \((\d+)\)$", RegexOptions.CultureInvariant)]
    private static partial Regex Html5Suffix();
}
