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
/// rather than slowing a response down.
/// </summary>
public sealed class StreamEventRecorder(NpgsqlDataSource dataSource, ILogger<StreamEventRecorder> logger) : BackgroundService
{
    public const int Capacity = 10_000;
    private const int BatchSize = 500;
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
            await DrainAsync(batch, last.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException or InvalidOperationException)
        {
            logger.LogWarning("Stream events lost at shutdown: {Error}", ex.Message);
        }
    }

    private async Task DrainAsync(List<StreamEvent> batch, CancellationToken cancellationToken)
    {
        while (true)
        {
            batch.Clear();
            while (batch.Count < BatchSize && _channel.Reader.TryRead(out var e)) batch.Add(e);
            if (batch.Count == 0) return;
            if (Interlocked.Exchange(ref _dropped, 0) is > 0 and var dropped)
            {
                logger.LogWarning("Dropped {Count} stream events: the in-memory queue was full", dropped);
            }
            try
            {
                await WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                // Statistics are best effort; a database hiccup must not stop the loop.
                logger.LogWarning("Could not write {Count} stream events: {Error}", batch.Count, ex.Message);
            }
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
