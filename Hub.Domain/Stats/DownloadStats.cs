namespace Hub.Domain.Stats;

public sealed record DownloadFilter(DateTimeOffset? From = null, DateTimeOffset? To = null, Guid? EntryId = null, string? Kind = null);

public sealed record DownloadTotals(long Events, long Bytes, long Completed, long Aborted);

public sealed record DownloadDay(DateOnly Day, long Events, long Bytes, long Completed, long Aborted);

public sealed record TopEntry(Guid EntryId, string? Title, long Events, long Bytes);

public sealed record DownloadStats(DateTimeOffset From, DateTimeOffset To, DownloadTotals Totals, IReadOnlyList<DownloadDay> PerDay, IReadOnlyList<TopEntry> TopEntries);
