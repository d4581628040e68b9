using System.Text.Json;

namespace Hub.Domain.Jobs;

public sealed class JobEvent
{
    public long Id { get; set; }
    public Guid JobId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Kind { get; set; }
    public string? FromState { get; set; }
    public string? ToState { get; set; }
    public required string Message { get; set; }
    public JsonDocument? Payload { get; set; }
}
