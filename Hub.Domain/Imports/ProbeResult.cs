namespace Hub.Domain.Imports;

/// <summary>What a URL turned out to be, before anything is created.</summary>
public sealed record ProbeResult
{
    public required string Url { get; init; }
    /// <summary>"http" for a direct file, "yt-dlp" for a site page: the prober that answered, for people to read.</summary>
    public required string Engine { get; init; }
    /// <summary>What the source is; the download engine is chosen by it.</summary>
    public Engines.SourceKind Kind { get; init; }
    public string? Title { get; init; }
    public double? DurationSeconds { get; init; }
    public string? ThumbnailUrl { get; init; }
    public string? Uploader { get; init; }
    /// <summary>Lower-case site name: "youtube", "soundcloud", "generic", "html5", or the host for direct files.</summary>
    public string? Platform { get; init; }
    /// <summary>The platform's own id of the item (for de-duplication).</summary>
    public string? SourceId { get; init; }
    public string? Description { get; init; }
    /// <summary>"video", "audio" or null when unknown.</summary>
    public string? MediaKind { get; init; }
    public long? SizeBytes { get; init; }
    public string? ContentType { get; init; }
    public string? Extension { get; init; }
    public DateOnly? UploadDate { get; init; }
    public IReadOnlyList<ProbeFormat> Formats { get; init; } = [];
    public bool IsPlaylist { get; init; }
    public int? EntryCount { get; init; }
    public IReadOnlyList<PlaylistItem> Entries { get; init; } = [];
    /// <summary>The entry an import of this URL would find already there; filled in by a preview (<see cref="ProbePreviews"/>), null elsewhere.</summary>
    public ExistingEntry? AlreadyInLibrary { get; init; }
}

/// <summary>An entry already in the library, by id and title.</summary>
public sealed record ExistingEntry(Guid EntryId, string Title);

public sealed record ProbeFormat(string Id, string? Extension, int? Width, int? Height, string? VideoCodec, string? AudioCodec, long? SizeBytes, double? Bitrate, string? Note);

public sealed record PlaylistItem(string Url, string? Title, string? Id, double? DurationSeconds)
{
    /// <summary>The site says the entry is a live stream (or one yet to start); subscriptions can skip those.</summary>
    public bool IsLive { get; init; }
    /// <summary>When the site published it, if the flat listing says (subscriptions' "start from a date").</summary>
    public DateOnly? UploadDate { get; init; }
}

public sealed record SearchResult(string Url, string Title, string? Uploader, double? DurationSeconds, string? ThumbnailUrl, string Platform, string? Id);
