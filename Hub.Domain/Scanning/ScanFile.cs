using System.Text.Json;

namespace Hub.Domain.Scanning;

/// <summary>A media file a library scan has seen (the <c>scan_files</c> table); the unmatched queue is those in state unmatched.</summary>
public sealed class ScanFile
{
    public const string StateEntry = "entry", StateUnmatched = "unmatched", StateIgnored = "ignored", StateFailed = "failed";

    public Guid Id { get; set; }
    public Guid LibraryId { get; set; }
    public required string Path { get; set; }
    public long SizeBytes { get; set; }
    public DateTimeOffset ModifiedAt { get; set; }
    public string? ContentHash { get; set; }
    public string? MediaKind { get; set; }
    public required string State { get; set; }
    /// <summary>Why a file in state <see cref="StateFailed"/> is not media (ffprobe's answer).</summary>
    public string? Error { get; set; }
    public Guid? EntryId { get; set; }
    public JsonDocument Parsed { get; set; } = JsonDocument.Parse("{}");
    public JsonDocument Media { get; set; } = JsonDocument.Parse("{}");
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
