namespace Hub.Domain.Jobs;

/// <summary>A job to create.</summary>
public sealed record NewJob(string Kind, string Queue, string Door)
{
    public string? RequestedBy { get; init; }
    public string? Source { get; init; }
    public string? Title { get; init; }
    public Guid? LibraryId { get; init; }
    public string? Format { get; init; }
    public string Mode { get; init; } = "auto";
    public object? Request { get; init; }
    public Guid? ParentId { get; init; }
    public string State { get; init; } = JobStates.Queued;
    public DateTimeOffset? RunAfter { get; init; }
    public int? MaxAttempts { get; init; }
    /// <summary>When set, enqueueing returns the existing job with this key instead of creating a second one.</summary>
    public string? IdempotencyKey { get; init; }
}
