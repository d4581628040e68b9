namespace Hub.Domain.Imports;

/// <summary>
/// A search of the video and music sites (through yt-dlp), its input rules and defaults in one place for every door
/// (REST, MCP, admin, bot): <see cref="Normalize"/> checks the raw input and fills the defaults; the engine then
/// trusts it.
/// </summary>
public sealed record SourceSearch
{
    public const string YouTube = "youtube";
    public const string SoundCloud = "soundcloud";
    public const string All = "all";
    public static readonly IReadOnlyList<string> Sources = [YouTube, SoundCloud, All];

    /// <summary>One site answers faster than both, and is what people mean most often.</summary>
    public const string DefaultSource = YouTube;
    public const int DefaultLimit = 10;
    public const int MaxLimit = 50;
    public const int MaxQueryLength = 200;

    private SourceSearch(string query, string source, int limit) => (Query, Source, Limit) = (query, source, limit);

    /// <summary>One line of text, 1 to <see cref="MaxQueryLength"/> characters.</summary>
    public string Query { get; }

    /// <summary>One of <see cref="Sources"/>.</summary>
    public string Source { get; }

    /// <summary>1 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; }

    /// <summary>Checks and defaults raw input; a <see cref="HubValidationException"/> names the field that is wrong.</summary>
    public static SourceSearch Normalize(string? query, string? source, int? limit)
    {
        var site = string.IsNullOrWhiteSpace(source) ? DefaultSource : source.Trim().ToLowerInvariant();
        if (!Sources.Contains(site))
        {
            throw new HubValidationException("source", $"The source must be one of: {string.Join(", ", Sources)}.");
        }
        var count = limit ?? DefaultLimit;
        if (count is < 1 or > MaxLimit)
        {
            throw new HubValidationException("limit", $"The limit must be from 1 to {MaxLimit}.");
        }
        var q = (TextInput.Check(query, "query") ?? "").Trim();
        if (q.Length == 0)
        {
            throw new HubValidationException("query", "Say what to search for.");
        }
        if (q.Length > MaxQueryLength)
        {
            throw new HubValidationException("query", $"The search text is longer than {MaxQueryLength} characters.");
        }
        // One line of text: control characters (NUL included) have no place in a search and could confuse the tool.
        return new SourceSearch(new string([.. q.Select(c => char.IsControl(c) ? ' ' : c)]), site, count);
    }
}
