using System.Text.Json;

namespace Hub.Domain.Jobs;

/// <summary>A unit of work in the durable queue. The row is the single source of truth for its progress.</summary>
public sealed class Job
{
    public Guid Id { get; set; }
    public Guid? ParentId { get; set; }
    /// <summary>What the job is, as people see it: import, playlist, batch, maintenance.</summary>
    public required string Kind { get; set; }
    /// <summary>Which worker queue claims it next (probe, download, expand, maintenance).</summary>
    public string Queue { get; set; } = "default";
    public required string State { get; set; }
    public string Door { get; set; } = "api";
    public string? RequestedBy { get; set; }
    public string? Source { get; set; }
    public Guid? LibraryId { get; set; }
    public Guid? EntryId { get; set; }
    public string? Format { get; set; }
    public string Mode { get; set; } = "auto";
    public JsonDocument Request { get; set; } = JsonDocument.Parse("{}");
    public JsonDocument? Result { get; set; }
    public string? Title { get; set; }
    public double Progress { get; set; }
    public long BytesDone { get; set; }
    public long? BytesTotal { get; set; }
    public double? SpeedBps { get; set; }
    public double? EtaSeconds { get; set; }
    /// <summary>Torrents: connected peers while running (null otherwise); see <see cref="Swarm"/>.</summary>
    public int? Peers { get; set; }
    public int? Seeders { get; set; }
    public double? UploadBps { get; set; }
    public bool Seeding { get; set; }

    /// <summary>The swarm of a running torrent job; null for other jobs and once it stops running.</summary>
    public JobSwarm? Swarm => Peers is { } peers ? new JobSwarm(peers, Seeders ?? 0, UploadBps ?? 0, Seeding) : null;
    public string? Error { get; set; }
    public string? ErrorKind { get; set; }
    /// <summary>Bumped at every claim; a worker's writes carry it, so a stale worker can never finish the job.</summary>
    public int Attempt { get; set; }
    /// <summary>Failed attempts so far, against <see cref="MaxAttempts"/>.</summary>
    public int Failures { get; set; }
    /// <summary>This job's own temp folder; kept across attempts so downloads resume.</summary>
    public string? WorkDir { get; set; }
    public int MaxAttempts { get; set; } = 3;
    public DateTimeOffset RunAfter { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public bool CancelRequested { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>Unique when set: a second job with the same key is never created (scheduled work keys its time slot).</summary>
    public string? IdempotencyKey { get; set; }
}
