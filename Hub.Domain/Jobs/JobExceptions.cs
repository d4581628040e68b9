namespace Hub.Domain.Jobs;

public sealed class InvalidJobTransitionException(string from, string to)
    : HubConflictException("invalid-transition", $"A job cannot go from '{from}' to '{to}'.")
{
    public string From { get; } = from;
    public string To { get; } = to;
}

/// <summary>Thrown to a worker whose lease was lost (expired and taken over): it must stop and write nothing more.</summary>
public sealed class JobLeaseLostException(Guid jobId)
    : Exception($"Job {jobId} is no longer leased to this worker.");
