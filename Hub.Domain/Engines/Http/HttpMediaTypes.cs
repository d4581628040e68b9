using Hub.Domain.Imports;

namespace Hub.Domain.Engines.Http;

/// <summary>
/// Which responses are files Hub can import directly. Images are refused: libraries hold video and audio, and a page's
/// thumbnail is fetched by the engine that found it, not imported on its own.
/// </summary>
public static class HttpMediaTypes
{
    public static readonly IReadOnlySet<string> VideoExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".m4v", ".mkv", ".webm", ".mov", ".avi", ".wmv", ".flv", ".mpg", ".mpeg", ".ts", ".m2ts", ".mts", ".3gp", ".ogv", ".vob",
    };

    public static readonly IReadOnlySet<string> AudioExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".mp3", ".m4a", ".m4b", ".aac", ".flac", ".wav", ".ogg", ".oga", ".opus", ".wma", ".aiff", ".aif", ".ape", ".mka", ".alac", ".wv",
    };

    public static readonly IReadOnlySet<string> ArchiveExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".tbz2", ".xz", ".txz", ".zst", ".torrent",
    };

    // Types that name a downloadable file by themselves, with the extension to give it when the name has none.
    private static readonly Dictionary<string, string> FileTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["application/zip"] = ".zip",
        ["application/x-zip-compressed"] = ".zip",
        ["application/x-tar"] = ".tar",
        ["application/gzip"] = ".gz",
        ["application/x-gzip"] = ".gz",
        ["application/x-7z-compressed"] = ".7z",
        ["application/vnd.rar"] = ".rar",
        ["application/x-rar-compressed"] = ".rar",
        ["application/x-bittorrent"] = ".torrent",
        ["application/ogg"] = ".ogg",
        ["application/mp4"] = ".mp4",
        ["application/x-matroska"] = ".mkv",
        ["video/mp4"] = ".mp4",
        ["video/x-matroska"] = ".mkv",
        ["video/webm"] = ".webm",
        ["video/quicktime"] = ".mov",
        ["video/x-msvideo"] = ".avi",
        ["video/x-flv"] = ".flv",
        ["video/mpeg"] = ".mpg",
        ["video/mp2t"] = ".ts",
        ["video/ogg"] = ".ogv",
        ["video/3gpp"] = ".3gp",
        ["video/x-ms-wmv"] = ".wmv",
        ["audio/mpeg"] = ".mp3",
        ["audio/mp4"] = ".m4a",
        ["audio/x-m4a"] = ".m4a",
        ["audio/aac"] = ".aac",
        ["audio/flac"] = ".flac",
        ["audio/x-flac"] = ".flac",
        ["audio/wav"] = ".wav",
        ["audio/x-wav"] = ".wav",
        ["audio/ogg"] = ".ogg",
        ["audio/opus"] = ".opus",
        ["audio/webm"] = ".webm",
        ["audio/x-ms-wma"] = ".wma",
    };

    // Generic "some bytes" types: fine only when the name says what the bytes are.
    private static readonly HashSet<string> OpaqueTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "", "application/octet-stream", "binary/octet-stream", "application/x-download", "application/force-download", "application/binary",
    };

    private static readonly HashSet<string> PlaylistTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "application/vnd.apple.mpegurl", "application/x-mpegurl", "audio/mpegurl", "audio/x-mpegurl", "application/dash+xml",
    };

    /// <summary>The media type without parameters, lower-case; "" when absent.</summary>
    public static string Normalize(string? contentType) =>
        (contentType ?? "").Split(';', 2)[0].Trim().ToLowerInvariant();

    /// <summary>True for video, audio, archive and torrent files, and opaque types whose name has such an extension.</summary>
    public static bool IsDownloadable(string? contentType, string? fileName) => Refusal(contentType, fileName) is null;

    /// <summary>Throws the permanent error that explains why this response is not a file Hub imports.</summary>
    public static void EnsureDownloadable(string? contentType, string? fileName)
    {
        if (Refusal(contentType, fileName) is { } error)
        {
            throw error;
        }
    }

    /// <summary>A web page (the caller may hand the URL to yt-dlp instead).</summary>
    public static bool IsWebPage(string? contentType) => Normalize(contentType) is "text/html" or "application/xhtml+xml";

    /// <summary>An HLS or DASH playlist: a stream description, not a file.</summary>
    public static bool IsStreamingPlaylist(string? contentType, string? fileName) =>
        PlaylistTypes.Contains(Normalize(contentType))
        || Path.GetExtension(fileName ?? "") is { } ext && (ext.Equals(".m3u8", StringComparison.OrdinalIgnoreCase) || ext.Equals(".mpd", StringComparison.OrdinalIgnoreCase));

    /// <summary>An extension for a content type ("" when unknown).</summary>
    public static string ExtensionFor(string? contentType) => FileTypes.GetValueOrDefault(Normalize(contentType), "");

    /// <summary>"video", "audio" or null, from the content type first, then the extension.</summary>
    public static string? MediaKind(string? contentType, string? extension)
    {
        var type = Normalize(contentType);
        if (type.StartsWith("video/", StringComparison.Ordinal) || type is "application/x-matroska" or "application/mp4") return "video";
        if (type.StartsWith("audio/", StringComparison.Ordinal)) return "audio";
        var ext = extension ?? "";
        if (VideoExtensions.Contains(ext)) return "video";
        if (AudioExtensions.Contains(ext) || ext.Equals(".ogg", StringComparison.OrdinalIgnoreCase)) return "audio";
        return null;
    }

    private static ImportFailedException? Refusal(string? contentType, string? fileName)
    {
        var type = Normalize(contentType);
        var ext = Path.GetExtension(fileName ?? "");
        if (IsStreamingPlaylist(type, fileName))
        {
            return ImportFailedException.Permanent("unsupported-content",
                "The URL is a streaming playlist (HLS/DASH), not a file; use a site URL or the page that plays it.");
        }
        if (IsWebPage(type))
        {
            return ImportFailedException.Permanent("not-media", "The URL is a web page, not a media file.");
        }
        if (type.StartsWith("video/", StringComparison.Ordinal) || type.StartsWith("audio/", StringComparison.Ordinal) || FileTypes.ContainsKey(type))
        {
            return null;
        }
        if (OpaqueTypes.Contains(type) && IsKnownExtension(ext))
        {
            return null;
        }
        var what = type.Length == 0 ? "no content type" : type;
        return ImportFailedException.Permanent("unsupported-content",
            $"The URL gives {what}{(ext.Length > 0 ? $" ({ext})" : "")}, which is not a video, audio or archive file.");
    }

    private static bool IsKnownExtension(string ext) =>
        VideoExtensions.Contains(ext) || AudioExtensions.Contains(ext) || ArchiveExtensions.Contains(ext);
}
