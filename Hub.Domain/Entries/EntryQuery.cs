using System.Text.Json.Serialization;

namespace Hub.Domain.Entries;

/// <summary>
/// Which entries to list and in what order. The filter part (everything but <see cref="Cursor"/> and
/// <see cref="Limit"/>) is also what a dynamic playlist stores.
/// </summary>
public sealed record EntryQuery
{
    public Guid? LibraryId { get; init; }
    public string? Platform { get; init; }
    /// <summary>video, audio or other.</summary>
    public string? MediaKind { get; init; }
    /// <summary>Entries carrying all of these tags.</summary>
    public IReadOnlyList<string>? Tags { get; init; }
    public double? MinDuration { get; init; }
    public double? MaxDuration { get; init; }
    /// <summary>Created at or after.</summary>
    public DateTimeOffset? From { get; init; }
    /// <summary>Created before.</summary>
    public DateTimeOffset? To { get; init; }
    /// <summary>Search text: web-search syntax over title, uploader, platform and tags, plus partial words of the title.</summary>
    public string? Q { get; init; }
    /// <summary>See <see cref="EntrySort"/>; default <c>-created</c> (newest first), or <c>relevance</c> when <see cref="Q"/> is set.</summary>
    public string? Sort { get; init; }

    /// <summary>
    /// Keys a JSON query held that are none of the filters above (<c>library</c> for <c>libraryId</c>, a typo): kept
    /// here so that a door taking a query as JSON can refuse them by name instead of quietly matching everything.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? Unknown { get; init; }

    [JsonIgnore]
    public string? Cursor { get; init; }
    [JsonIgnore]
    public int? Limit { get; init; }

    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>The stored form: filters and sort only.</summary>
    public EntryQuery WithoutPaging() => this with { Cursor = null, Limit = null };

    /// <summary>The JSON names of the filters a stored query (a dynamic playlist's) takes.</summary>
    public const string FilterNames = "q, sort, libraryId, platform, mediaKind, tags, minDuration, maxDuration, from, to";
}

public sealed record EntryPage(IReadOnlyList<Entry> Items, string? NextCursor);

/// <summary>A partial update: null leaves a field as it is. Properties are merged (RFC 7386: a null value removes a key).</summary>
public sealed record EntryPatch(string? Title = null, IReadOnlyList<string>? Tags = null, System.Text.Json.Nodes.JsonObject? Properties = null);

/// <summary>
/// Sort orders: a key with an optional leading '-' for descending, or <c>relevance</c> (needs a search text).
/// Every order ends with the entry id, so pages never skip or repeat rows that tie.
/// </summary>
public static class EntrySort
{
    public const string Relevance = "relevance";
    public const string Default = "-created";

    public static readonly IReadOnlyList<string> Keys = ["created", "title", "duration", "size"];

    /// <summary>Normalises aliases (newest, oldest) and validates; returns (key, descending).</summary>
    public static (string Key, bool Descending) Parse(string? sort, bool hasQuery)
    {
        var s = (sort ?? "").Trim().ToLowerInvariant();
        s = s switch
        {
            "" => hasQuery ? Relevance : Default,
            "newest" => "-created",
            "oldest" => "created",
            _ => s,
        };
        if (s == Relevance)
        {
            return hasQuery ? (Relevance, true) : throw new HubValidationException("sort", "Sorting by relevance needs a search text (q).");
        }
        var desc = s.StartsWith('-');
        var key = desc ? s[1..] : s;
        return Keys.Contains(key)
            ? (key, desc)
            : throw new HubValidationException("sort", $"Unknown sort '{sort}'. Use relevance, newest, oldest, or one of {string.Join(", ", Keys)} with an optional leading '-' for descending.");
    }
}
