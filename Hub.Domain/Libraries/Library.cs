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
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
