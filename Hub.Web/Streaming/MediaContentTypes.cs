using Hub.Domain.Entries;

namespace Hub.Web.Streaming;

/// <summary>The Content-Type to serve an entry with: by file extension, then container, audio or video by the entry's kind.</summary>
public static class MediaContentTypes
{
    // extension → (video type, audio type)
    private static readonly Dictionary<string, (string Video, string Audio)> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".mp4"] = ("video/mp4", "audio/mp4"),
        [".m4v"] = ("video/mp4", "audio/mp4"),
        [".m4a"] = ("audio/mp4", "audio/mp4"),
        [".m4b"] = ("audio/mp4", "audio/mp4"),
        [".mov"] = ("video/quicktime", "video/quicktime"),
        [".webm"] = ("video/webm", "audio/webm"),
        [".mkv"] = ("video/x-matroska", "audio/x-matroska"),
        [".mka"] = ("audio/x-matroska", "audio/x-matroska"),
        [".mp3"] = ("audio/mpeg", "audio/mpeg"),
        [".aac"] = ("audio/aac", "audio/aac"),
        [".ogg"] = ("video/ogg", "audio/ogg"),
        [".ogv"] = ("video/ogg", "video/ogg"),
        [".oga"] = ("audio/ogg", "audio/ogg"),
        [".opus"] = ("audio/ogg", "audio/ogg"),
        [".flac"] = ("audio/flac", "audio/flac"),
        [".wav"] = ("audio/wav", "audio/wav"),
        [".avi"] = ("video/x-msvideo", "video/x-msvideo"),
        [".ts"] = ("video/mp2t", "video/mp2t"),
        [".m2ts"] = ("video/mp2t", "video/mp2t"),
        [".flv"] = ("video/x-flv", "video/x-flv"),
        [".wmv"] = ("video/x-ms-wmv", "video/x-ms-wmv"),
        [".wma"] = ("audio/x-ms-wma", "audio/x-ms-wma"),
        [".3gp"] = ("video/3gpp", "audio/3gpp"),
        [".mpg"] = ("video/mpeg", "video/mpeg"),
        [".mpeg"] = ("video/mpeg", "video/mpeg"),
    };

    private static readonly Dictionary<string, string> ByContainer = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mp4"] = ".mp4", ["webm"] = ".webm", ["matroska"] = ".mkv", ["mp3"] = ".mp3", ["ogg"] = ".ogg", ["flac"] = ".flac",
        ["wav"] = ".wav", ["mpegts"] = ".ts", ["aac"] = ".aac", ["avi"] = ".avi", ["flv"] = ".flv", ["asf"] = ".wmv",
    };

    public const string Fallback = "application/octet-stream";

    public static string For(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return For(entry.FilePath, entry.Container, entry.MediaKind);
    }

    public static string For(string filePath, string? container, string mediaKind)
    {
        var audio = mediaKind == "audio";
        if (ByExtension.TryGetValue(Path.GetExtension(filePath), out var t)
            || (container is not null && ByContainer.TryGetValue(container, out var ext) && ByExtension.TryGetValue(ext, out t)))
        {
            return audio ? t.Audio : t.Video;
        }
        return Fallback;
    }

    /// <summary>The extension a download should carry: the file's own, else one from the container.</summary>
    public static string Extension(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var ext = Path.GetExtension(entry.FilePath);
        return ext.Length > 1 ? ext.ToLowerInvariant()
            : entry.Container is not null && ByContainer.TryGetValue(entry.Container, out var e) ? e : "";
    }
}
