using System.Threading.Channels;
using Hub.Domain.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Hub.Domain.Stats;

/// <summary>
/// Takes stream events from request threads without waiting (a bounded in-memory channel) and writes them in
/// batches (binary COPY) from a background loop. When the channel is full, new events are dropped and counted
/// rather than slowing a response down. A player seeking or a download manager sends a range request after another
/// (hundreds a second), each one event: the loop gathers them for up to <see cref="FlushInterval"/> (or a full batch) so
/// PostgreSQL commits one COPY per interval instead of one per request, on the cores that are serving the bytes.
/// </summary>
public sealed class StreamEventRecorder(NpgsqlDataSource dataSource, ILogger<StreamEventRecorder> logger) : BackgroundService
{
    public const int Capacity = 10_000;
    private const int BatchSize = 500;

    /// <summary>How long the first event of a batch waits for others; statistics are that much behind at most.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(500);
    private readonly Channel<StreamEvent> _channel = Channel.CreateBounded<StreamEvent>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private long _dropped;

    /// <summary>Never blocks.</summary>
    public void Record(StreamEvent e)
    {
        if (!_channel.Writer.TryWrite(e))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<StreamEvent>(BatchSize);
        try
        {
            while (await _channel.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await DrainAsync(batch, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Shutting down: write what is left, briefly.
        using var last = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await DrainAsync(batch, last.Token, gather: false).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException or InvalidOperationException)
        {
            logger.LogWarning("Stream events lost at shutdown: {Error}", ex.Message);
        }
    }

    /// <summary>Writes batches until the channel is empty. A batch cut off by shutdown stays in <paramref name="batch"/> for the last drain.</summary>
    private async Task DrainAsync(List<StreamEvent> batch, CancellationToken cancellationToken, bool gather = true)
    {
        while (true)
        {
            if (batch.Count == 0)
            {
                while (batch.Count < BatchSize && _channel.Reader.TryRead(out var e)) batch.Add(e);
                if (batch.Count == 0) return;
                if (gather && batch.Count < BatchSize)
                {
                    await GatherAsync(batch, cancellationToken).ConfigureAwait(false);
                }
            }
            if (Interlocked.Exchange(ref _dropped, 0) is > 0 and var dropped)
            {
                logger.LogWarning("Dropped {Count} stream events: the in-memory queue was full", dropped);
            }
            try
            {
                await WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Statistics are not worth stopping Hub for: a broken COPY or connection loses this batch only.
                logger.LogWarning("Could not write {Count} stream events: {Error}", batch.Count, ex.Message);
            }
            batch.Clear();
        }
    }

    /// <summary>Adds what arrives within <see cref="FlushInterval"/> of the batch's first event, up to a full batch.</summary>
    private async Task GatherAsync(List<StreamEvent> batch, CancellationToken cancellationToken)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(FlushInterval);
        try
        {
            while (batch.Count < BatchSize && await _channel.Reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
            {
                while (batch.Count < BatchSize && _channel.Reader.TryRead(out var e)) batch.Add(e);
            }
        }
        catch (OperationCanceledException)
        {
            // the interval is over (or Hub is stopping): write what there is
        }
    }

    private async Task WriteAsync(List<StreamEvent> batch, CancellationToken cancellationToken)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var copy = await conn.BeginBinaryImportAsync(
            "COPY stream_events (entry_id, kind, at, status, range_requested, bytes_expected, bytes_sent, completed, client_address, user_agent, token) FROM STDIN (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false);
        foreach (var e in batch)
        {
            await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(e.EntryId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(e.Kind, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(e.At.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(e.Status, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(copy, Truncate(e.RangeRequested, 200), cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(e.BytesExpected, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(e.BytesSent, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(e.Completed, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(copy, Truncate(e.ClientAddress, 100), cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(copy, Truncate(e.UserAgent, 400), cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(copy, Truncate(e.Token, 100), cancellationToken).ConfigureAwait(false);
        }
        await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}
