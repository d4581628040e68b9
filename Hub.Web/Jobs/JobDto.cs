using System.Text.Json;
using Hub.Domain.Jobs;

namespace Hub.Web.Jobs;

/// <summary>
/// A job on the wire. <c>state</c> is one of the pipeline's lower-case states (queued, probing, …); <c>system</c> marks
/// Hub's own work (housekeeping, scans, deliveries), which lists hide unless asked.
/// </summary>
public sealed record JobDto(
    Guid Id,
    Guid? ParentId,
    string Kind,
    string State,
    double Progress,
    long BytesDone,
    long? BytesTotal,
    double? SpeedBps,
    double? EtaSeconds,
    string? Title,
    string? Source,
    string? Error,
    string? ErrorKind,
    Guid? EntryId,
    Guid? LibraryId,
    string Door,
    string? RequestedBy,
    string Mode,
    string? Format,
    int Attempt,
    int Failures,
    bool CancelRequested,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    JsonElement? Result,
    JobSwarm? Swarm = null,
    bool System = false)
{
    public static JobDto From(Job j) => new(j.Id, j.ParentId, j.Kind, j.State, j.Progress, j.BytesDone, j.BytesTotal, j.SpeedBps,
        j.EtaSeconds, j.Title, j.Source, j.Error, j.ErrorKind, j.EntryId, j.LibraryId, j.Door, j.RequestedBy, j.Mode, j.Format,
        j.Attempt, j.Failures, j.CancelRequested, j.CreatedAt, j.UpdatedAt, j.StartedAt, j.FinishedAt,
        j.Result?.RootElement.Clone(), j.Swarm, JobQueues.IsSystem(j.Queue));

    /// <summary>This job with a live update laid over it (the fields a progress NOTIFY carries).</summary>
    public JobDto With(JobUpdate u) => this with
    {
        State = u.State,
        Progress = u.Progress,
        BytesDone = u.BytesDone,
        BytesTotal = u.BytesTotal,
        SpeedBps = u.SpeedBps,
        EtaSeconds = u.EtaSeconds,
        Title = u.Title ?? Title,
        Error = u.Error,
        EntryId = u.EntryId ?? EntryId,
        LibraryId = u.LibraryId ?? LibraryId,
        CancelRequested = u.CancelRequested,
        Swarm = u.Swarm,
        UpdatedAt = u.At,
    };
}

/// <summary>One row of a job's history: a transition, an error, a cancel request.</summary>
public sealed record JobEventDto(long Id, DateTimeOffset At, string Kind, string? FromState, string? ToState, string Message, JsonElement? Payload)
{
    public static JobEventDto From(JobEvent e) => new(e.Id, e.At, e.Kind, e.FromState, e.ToState, e.Message, e.Payload?.RootElement.Clone());
}

/// <summary>A page of jobs; pass <c>nextCursor</c> as <c>cursor</c> for the next one (null at the end).</summary>
public sealed record JobPage(IReadOnlyList<JobDto> Items, string? NextCursor);
