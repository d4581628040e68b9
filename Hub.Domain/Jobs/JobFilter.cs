namespace Hub.Domain.Jobs;

public sealed record JobFilter
{
    public IReadOnlyList<string>? States { get; init; }
    public string? Kind { get; init; }
    public string? Door { get; init; }
    public Guid? LibraryId { get; init; }
    public Guid? ParentId { get; init; }
    public string? RequestedBy { get; init; }
    /// <summary>Words every one of which must appear (case-insensitive) in the title, the source or the error.</summary>
    public string? Text { get; init; }
    /// <summary>False hides Hub's own work (<see cref="JobQueues.System"/>): housekeeping, scans, deliveries.</summary>
    public bool IncludeSystem { get; init; } = true;
    /// <summary>Keyset cursor: jobs updated before this (updated_at, id) pair.</summary>
    public (DateTimeOffset UpdatedAt, Guid Id)? Before { get; init; }
    public int Limit { get; init; } = 50;
}
