using System.Text.Json;

namespace Hub.Domain.Libraries;

/// <summary>A named place files are filed into: a root folder, a path template and classification rules.</summary>
public sealed class Library
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Slug { get; set; }
    /// <summary>Absolute, or relative to <c>Hub:MediaDir</c>.</summary>
    public required string RootFolder { get; set; }
    public required string PathTemplate { get; set; }
    public string DefaultFormat { get; set; } = "video_best";
    /// <summary>video, audio or any: which default this library is, and what its rules expect.</summary>
    public string MediaKind { get; set; } = "video";
    public bool IsDefault { get; set; }
    public double ReviewThreshold { get; set; } = 0.5;
    public JsonDocument Rules { get; set; } = JsonDocument.Parse("[]");
    /// <summary>Subtitle languages yt-dlp fetches for this library (empty: none); null follows <c>Hub:Subtitles:Languages</c>.</summary>
    public List<string>? SubtitleLanguages { get; set; }
    /// <summary>Whether a site's automatic captions are taken for this library; null follows <c>Hub:Subtitles:AutomaticCaptions</c>.</summary>
    public bool? AutomaticCaptions { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
