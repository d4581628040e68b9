namespace Hub.Domain.Subscriptions;

/// <summary>Where the first check starts: <c>now</c> (default), <c>date</c> with <see cref="Date"/>, or <c>last</c> with <see cref="Count"/>.</summary>
public sealed record StartInput(string? From = null, DateTimeOffset? Date = null, int? Count = null);

/// <summary>Retention: keep only the newest <see cref="KeepLast"/> entries, or those of the last <see cref="KeepDays"/> days (0 turns a rule off).</summary>
public sealed record RetentionInput(int? KeepLast = null, int? KeepDays = null);

/// <summary>
/// A new subscription, or (for an update) the fields to change: every door builds one. Null leaves a field as it is
/// (or at its default when creating). The URL and the start are fixed once created.
/// </summary>
public sealed record SubscriptionInput
{
    public string? Url { get; init; }
    public string? Name { get; init; }
    /// <summary>Library id, slug or name; empty lets the library rules decide per item.</summary>
    public string? Library { get; init; }
    public string? Format { get; init; }
    public int? IntervalMinutes { get; init; }
    public StartInput? Start { get; init; }
    public string? Mode { get; init; }
    public int? MaxPerCheck { get; init; }
    public SubscriptionFilters? Filters { get; init; }
    public RetentionInput? Retention { get; init; }
    /// <summary><see cref="MediaServerSetting"/>: default, on or off.</summary>
    public string? MediaServerFiles { get; init; }
    public bool? Paused { get; init; }
}
