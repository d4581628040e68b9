namespace Hub.Domain.Stats;

public sealed record DownloadFilter(DateTimeOffset? From = null, DateTimeOffset? To = null, Guid? EntryId = null, string? Kind = null);

/// <param name="Events">Every request served (a player makes several per play: each seek is one).</param>
/// <param name="Plays">Requests from the file's first byte (no range, or <c>bytes=0-</c>…) answered 200 or 206: how often it was started.</param>
public sealed record DownloadTotals(long Events, long Bytes, long Completed, long Aborted, long Plays = 0);

public sealed record DownloadDay(DateOnly Day, long Events, long Bytes, long Completed, long Aborted, long Plays = 0);

/// <summary>An entry most started (<see cref="DownloadTotals.Plays"/>), then most requested.</summary>
public sealed record TopEntry(Guid EntryId, string? Title, long Events, long Bytes, long Plays = 0);

public sealed record DownloadStats(DateTimeOffset From, DateTimeOffset To, DownloadTotals Totals, IReadOnlyList<DownloadDay> PerDay, IReadOnlyList<TopEntry> TopEntries);
