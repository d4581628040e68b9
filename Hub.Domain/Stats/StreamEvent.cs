namespace Hub.Domain.Stats;

/// <summary>One stream or download request, as recorded after its response finished.</summary>
public sealed record StreamEvent(
    Guid EntryId,
    string Kind,
    DateTimeOffset At,
    int Status,
    string? RangeRequested,
    long BytesExpected,
    long BytesSent,
    bool Completed,
    string? ClientAddress,
    string? UserAgent,
    string? Token);
