using System.Text.Json;
using Hub.Domain.Entries;

namespace Hub.Web.Entries;

/// <summary>An entry on the wire. <c>thumbnailUrl</c> is an API path (send the token) or null.</summary>
public sealed record EntryDto(
    Guid Id,
    Guid LibraryId,
    string Title,
    string? SourceUrl,
    string? Platform,
    string? Uploader,
    string MediaKind,
    string? Container,
    double? DurationSeconds,
    long SizeBytes,
    string? ContentHash,
    string? ThumbnailUrl,
    int? Width,
    int? Height,
    string? VideoCodec,
    string? AudioCodec,
    IReadOnlyList<string> Tags,
    JsonElement Properties,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static EntryDto From(Entry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var p = e.Properties.RootElement;
        return new EntryDto(e.Id, e.LibraryId, e.Title, e.SourceUrl, e.Platform, e.Uploader, e.MediaKind, e.Container, e.DurationSeconds,
            e.SizeBytes, e.ContentHash, e.ThumbnailPath is null ? null : $"/api/v1/entries/{e.Id}/thumbnail",
            Int(p, "width"), Int(p, "height"), Str(p, "videoCodec"), Str(p, "audioCodec"), e.Tags, p.Clone(), e.CreatedAt, e.UpdatedAt);
    }

    private static int? Int(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private static string? Str(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

public sealed record EntryPageDto(IReadOnlyList<EntryDto> Items, string? NextCursor);

/// <summary>PATCH body: any of title, tags (replaces the list), properties (merged; a null value removes a key).</summary>
/// <summary>The library (id or slug) an entry moves to.</summary>
public sealed record MoveEntryRequest(string? Library);

public sealed record EntryPatchRequest(string? Title, IReadOnlyList<string>? Tags, System.Text.Json.Nodes.JsonObject? Properties);
