using Npgsql;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Hub.Domain.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Domain.Jobs;

/// <summary>
/// Publishes job changes made by this process: in-process at once (JobUpdates, JobSignals), and to every other Hub
/// process sharing the database through NOTIFY, batched every few milliseconds — one notifying transaction per batch
/// instead of one per row keeps PostgreSQL's notify lock off the queue's hot path.
/// </summary>
public sealed class JobBroadcaster(NpgsqlDataSource dataSource, JobUpdates updates, JobSignals signals, ILogger<JobBroadcaster> logger) : BackgroundService
{
    public const string Channel = "hub_job_updates";
    private const int MaxPayloadBytes = 7000; // PostgreSQL's limit is 8000
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(20);

    private readonly Channel<object> _outbox = System.Threading.Channels.Channel.CreateBounded<object>(
        new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Identifies this process in its notifications, so it ignores its own.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>How this process's batches start (<c>{"origin":"…",</c>), to know them without parsing them.</summary>
    private string OwnPrefix => field ??= JsonSerializer.Serialize(new Batch(InstanceId, null, null), JobJson.Options).Split(',')[0] + ",";

    /// <summary>Call after every committed change of a job, with the row as it now is.</summary>
    public void Published(Job job)
    {
        var update = JobUpdate.From(job, job.UpdatedAt);
        updates.Publish(update);
        _outbox.Writer.TryWrite(update);
        if (job.State is JobStates.Queued or JobStates.Retrying)
        {
            Ready(job.Queue);
        }
    }

    public void Published(IEnumerable<Job> jobs)
    {
        foreach (var j in jobs)
        {
            Published(j);
        }
    }

    /// <summary>A job of <paramref name="queue"/> may be ready: wake the workers here and elsewhere.</summary>
    public void Ready(string queue)
    {
        if (queue.Length == 0)
        {
            return;
        }
        signals.Signal(queue);
        _outbox.Writer.TryWrite(new QueueReady(queue));
    }

    /// <summary>Handles a batch another process sent (called by the listener).</summary>
    public void Receive(string payload)
    {
        // This process hears its own batches too: known by their first field, they are dropped before parsing.
        if (payload.StartsWith(OwnPrefix, StringComparison.Ordinal))
        {
            return;
        }
        Batch? batch;
        try
        {
            batch = JsonSerializer.Deserialize<Batch>(payload, JobJson.Options);
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "Ignoring a malformed job notification");
            return;
        }
        if (batch is null || batch.Origin == InstanceId)
        {
            return;
        }
        foreach (var u in batch.Updates ?? [])
        {
            updates.Publish(u);
        }
        foreach (var q in batch.Queues ?? [])
        {
            signals.Signal(q);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _outbox.Reader;
        while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            await Task.Delay(BatchWindow, stoppingToken).ConfigureAwait(false);
            var list = new List<JobUpdate>();
            var queues = new HashSet<string>();
            while (reader.TryRead(out var item))
            {
                if (item is JobUpdate u) list.Add(u); else if (item is QueueReady r) queues.Add(r.Queue);
            }
            try
            {
                await SendAsync(list, queues, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
            {
                // Other processes fall back to their slow poll; nothing is lost in the database.
                logger.LogWarning("Could not notify other processes of job changes: {Error}", ex.Message);
            }
        }
    }

    private async Task SendAsync(List<JobUpdate> list, HashSet<string> queues, CancellationToken cancellationToken)
    {
        // Only the latest update of each job matters to another process.
        var latest = list.GroupBy(u => u.JobId).Select(g => g.Last()).ToList();
        var payloads = new List<string>();
        var chunk = new List<JobUpdate>();
        // Sizes add up (each update once, plus its comma), so a busy batch is not serialised again per update added.
        var envelope = Encoding.UTF8.GetByteCount(Serialize(chunk, queues));
        var size = envelope;
        foreach (var u in latest)
        {
            var bytes = Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(u, JobJson.Options)) + 1;
            if (chunk.Count > 0 && size + bytes > MaxPayloadBytes)
            {
                payloads.Add(Serialize(chunk, queues));
                chunk = [];
                size = envelope;
            }
            chunk.Add(u);
            size += bytes;
        }
        if (chunk.Count > 0 || queues.Count > 0)
        {
            payloads.Add(Serialize(chunk, queues));
        }
        if (payloads.Count == 0)
        {
            return;
        }
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new Npgsql.NpgsqlBatch(conn);
        foreach (var p in payloads)
        {
            var cmd = new Npgsql.NpgsqlBatchCommand("SELECT pg_notify($1, $2)");
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = Channel });
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = p });
            batch.BatchCommands.Add(cmd);
        }
        // One transaction for the whole batch: one pass through the notify lock.
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        batch.Transaction = tx;
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private string Serialize(List<JobUpdate> updates, HashSet<string> queues) =>
        JsonSerializer.Serialize(new Batch(InstanceId, updates, queues.ToList()), JobJson.Options);

    private sealed record QueueReady(string Queue);

    private sealed record Batch(string Origin, List<JobUpdate>? Updates, List<string>? Queues);
}
