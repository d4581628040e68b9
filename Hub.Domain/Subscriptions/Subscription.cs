namespace Hub.Domain.Subscriptions;

/// <summary>
/// A channel, playlist or feed followed into a library: checked every <see cref="IntervalMinutes"/>, new items become
/// imports (or inbox items in review mode), at most <see cref="MaxPerCheck"/> per check.
/// </summary>
public sealed class Subscription
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Url { get; set; }
    /// <summary><see cref="SourceKinds.Feed"/> or <see cref="SourceKinds.Playlist"/>; null until a check has listed the source (so the next is the first).</summary>
    public string? SourceKind { get; set; }
    public Guid? LibraryId { get; set; }
    public string? Format { get; set; }
    public string Mode { get; set; } = Imports.ImportModes.Auto;
    public int IntervalMinutes { get; set; }
    public int MaxPerCheck { get; set; }
    /// <summary>now, date or last (<see cref="SubscriptionStart"/>).</summary>
    public string StartFrom { get; set; } = SubscriptionStart.Now;
    public DateTimeOffset? StartDate { get; set; }
    public int? StartCount { get; set; }
    public SubscriptionFilters Filters { get; set; } = new();
    /// <summary>Retention: keep only the newest N entries this subscription imported.</summary>
    public int? KeepLast { get; set; }
    /// <summary>Retention: keep only entries this subscription imported in the last D days.</summary>
    public int? KeepDays { get; set; }
    /// <summary>Media-server sidecars (<see cref="Media.MediaServerFiles"/>) for its imports: null follows <c>Hub:MediaServer:WriteNfo</c>.</summary>
    public bool? MediaServerFiles { get; set; }
    public bool Paused { get; set; }
    public required string Door { get; set; }
    /// <summary>The owner's requester key: imports are theirs, and only they (or an admin) see the subscription.</summary>
    public string? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastCheckAt { get; set; }
    public DateTimeOffset NextCheckAt { get; set; }
    public int Checks { get; set; }
    public int ItemsFound { get; set; }
    public int ItemsImported { get; set; }
    public int ItemsSkipped { get; set; }
    public string? LastError { get; set; }
    public int ConsecutiveFailures { get; set; }
}

/// <summary>Which items a subscription takes. Durations are in seconds; an unknown duration passes.</summary>
public sealed record SubscriptionFilters
{
    /// <summary>A title must contain at least one of these words (any, case-insensitive); empty takes all.</summary>
    public IReadOnlyList<string> Include { get; init; } = [];
    /// <summary>A title containing any of these words is skipped.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];
    public double? MinDurationSeconds { get; init; }
    public double? MaxDurationSeconds { get; init; }
    public bool SkipLive { get; init; }
    /// <summary>Skips shorts: a /shorts/ URL, or a known duration of a minute or less.</summary>
    public bool SkipShorts { get; init; }
}

public static class SubscriptionStart
{
    /// <summary>Remember what exists, import only what comes later (the default).</summary>
    public const string Now = "now";
    /// <summary>Also import items published on or after the start date.</summary>
    public const string Date = "date";
    /// <summary>Also import the newest N items.</summary>
    public const string Last = "last";

    public static readonly IReadOnlyList<string> All = [Now, Date, Last];
}

/// <summary>
/// A subscription's media-server option on the wire, the same in every door: <c>default</c> (Hub's
/// <c>Hub:MediaServer:WriteNfo</c>), <c>on</c> or <c>off</c>.
/// </summary>
public static class MediaServerSetting
{
    public const string Default = "default";
    public const string On = "on";
    public const string Off = "off";

    public static readonly IReadOnlyList<string> All = [Default, On, Off];

    public static string Name(bool? value) => value switch { true => On, false => Off, null => Default };

    public static bool? Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        Default => null,
        On => true,
        Off => false,
        _ => throw new HubValidationException("mediaServerFiles", "Media-server files are 'default' (Hub's setting), 'on' or 'off'."),
    };
}

public static class SourceKinds
{
    /// <summary>RSS or Atom, read by Hub: enclosures (podcasts) or entry links.</summary>
    public const string Feed = "feed";
    /// <summary>Anything yt-dlp expands into entries: channels, playlists, pages.</summary>
    public const string Playlist = "playlist";
}

/// <summary>What a subscription decided about an item it saw (<c>subscription_items.decision</c>).</summary>
public static class ItemDecisions
{
    public const string Imported = "imported";
    /// <summary>Existed before where the subscription starts.</summary>
    public const string Baseline = "baseline";
    public const string Filtered = "filtered";
    public const string InLibrary = "in-library";
    /// <summary>Its URL was refused (the network guard, an invalid link).</summary>
    public const string Refused = "refused";
}

/// <summary>One item of a source, as the check sees it (newest first).</summary>
/// <param name="Key">What makes it the same item in later checks: the source's own id (guid, video id) or its normalised URL.</param>
public sealed record SourceItem(string Key, string Url, string? Title, DateTimeOffset? PublishedAt, double? DurationSeconds, bool IsLive = false);
