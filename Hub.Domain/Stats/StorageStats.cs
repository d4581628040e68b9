namespace Hub.Domain.Stats;

public sealed record CountBytes(string Key, long Entries, long Bytes);

public sealed record DayCount(DateOnly Day, long Count, long Bytes);

/// <summary>Disk figures; <see cref="MediaDir"/> (an absolute path on the server) is given to admins only, null for others.</summary>
public sealed record StorageStats(long EntriesBytes, string? MediaDir, long? FreeBytes, long? TotalBytes);

/// <summary>
/// <see cref="ImportsFrom"/> and <see cref="ImportsTo"/>: the first and last day <see cref="ImportsPerDay"/> covers
/// (days without imports are left out).
/// </summary>
public sealed record LibraryStats(
    long Entries,
    long Bytes,
    IReadOnlyList<CountBytes> ByLibrary,
    IReadOnlyList<CountBytes> ByMediaKind,
    IReadOnlyList<CountBytes> ByContainer,
    IReadOnlyList<CountBytes> ByPlatform,
    IReadOnlyList<DayCount> ImportsPerDay,
    IReadOnlyDictionary<string, long> JobsByState,
    StorageStats Storage,
    DateOnly? ImportsFrom = null,
    DateOnly? ImportsTo = null);
