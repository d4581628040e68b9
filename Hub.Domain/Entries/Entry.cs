using System.Text.Json;

namespace Hub.Domain.Entries;

/// <summary>One finished media file in a library.</summary>
public sealed class Entry
{
    public Guid Id { get; set; }
    public Guid LibraryId { get; set; }
    public required string Title { get; set; }
    public string? SourceUrl { get; set; }
    public string? NormalizedUrl { get; set; }
    public string? SourceId { get; set; }
    public string? Platform { get; set; }
    /// <summary>When the entry is a clip of its source: where in the source it starts and ends (seconds); null for the whole.</summary>
    public double? ClipStartSeconds { get; set; }
    public double? ClipEndSeconds { get; set; }
    public string? Uploader { get; set; }
    public string MediaKind { get; set; } = "video";
    public string? Container { get; set; }
    public double? DurationSeconds { get; set; }
    public long SizeBytes { get; set; }
    public string? ContentHash { get; set; }
    public required string FilePath { get; set; }
    public string? ThumbnailPath { get; set; }
    public JsonDocument Media { get; set; } = JsonDocument.Parse("{}");
    public JsonDocument Properties { get; set; } = JsonDocument.Parse("{}");
    public List<string> Tags { get; set; } = [];
    /// <summary>Who asked for it (the requester key of the importing job): with admins, the one who may change or delete it.</summary>
    public string? RequestedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Set by a library scan when the file is no longer there (the entry is kept); cleared when it is found again.</summary>
    public DateTimeOffset? MissingSince { get; set; }
}
