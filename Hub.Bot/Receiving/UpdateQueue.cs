using System.Threading.Channels;
using Hub.Bot.Commands;
using Hub.Bot.Telegram;
using Hub.Domain.Access;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot.Types;

namespace Hub.Bot.Receiving;

/// <summary>
/// Where polling and the webhook hand updates over. New updates (per the ledger) go to one of several lanes by user,
/// so one person's updates are handled in order while different people are served at once. A handler that throws
/// never stops a lane: the person gets a short apology with an error id, the log gets the detail.
/// </summary>
public sealed class UpdateQueue : BackgroundService
{
    private readonly Channel<Update>[] _lanes;
    private readonly UpdateLedger _ledger;
    private readonly IServiceProvider _services;
    private readonly ILogger<UpdateQueue> _logger;
    private long _handled;

    private readonly bool _enabled;

    public UpdateQueue(UpdateLedger ledger, IServiceProvider services, IOptions<TelegramOptions> options, ILogger<UpdateQueue> logger)
    {
        _enabled = options.Value.Enabled;
        _ledger = ledger;
        _services = services;
        _logger = logger;
        _lanes = [.. Enumerable.Range(0, Math.Max(1, options.Value.Concurrency)).Select(_ => Channel.CreateUnbounded<Update>(new UnboundedChannelOptions { SingleReader = true }))];
    }

    /// <summary>Updates handled so far (for benchmarks and diagnostics).</summary>
    public long Handled => Interlocked.Read(ref _handled);

    /// <summary>Records the update and queues it; false when it was seen before (a replay), which is then skipped.</summary>
    public async Task<bool> AcceptAsync(Update update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        return await AcceptManyAsync([update], nextOffset: null, cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Records a batch (one poll's updates, with the offset after them) and queues the new ones in update order;
    /// replays are skipped. Returns how many were new.
    /// </summary>
    public async Task<int> AcceptManyAsync(IReadOnlyList<Update> updates, long? nextOffset, CancellationToken cancellationToken)
    {
        var fresh = await _ledger.RecordAsync(updates, nextOffset, cancellationToken).ConfigureAwait(false);
        var pending = new HashSet<long>(fresh);
        foreach (var update in updates.OrderBy(u => u.Id))
        {
            if (pending.Remove(update.Id)) // once, even if the batch holds the same update twice
            {
                Enqueue(update);
            }
            else
            {
                _logger.LogDebug("Update {UpdateId} was seen before; skipped", update.Id);
            }
        }
        return fresh.Count;
    }

    private void Enqueue(Update update)
    {
        var key = update.Sender()?.Id ?? update.Id;
        _lanes[(int)((ulong)key % (ulong)_lanes.Length)].Writer.TryWrite(update);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enabled)
        {
            return;
        }
        // Updates recorded but not handled before the last stop are handled now.
        try
        {
            foreach (var update in await _ledger.UnprocessedAsync(stoppingToken).ConfigureAwait(false))
            {
                Enqueue(update);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Could not read unhandled Telegram updates");
        }
        await Task.WhenAll(_lanes.Select(lane => RunLaneAsync(lane.Reader, stoppingToken))).ConfigureAwait(false);
    }

    private async Task RunLaneAsync(ChannelReader<Update> reader, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var update in reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await HandleOneAsync(update, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task HandleOneAsync(Update update, CancellationToken stoppingToken)
    {
        string? errorId = null;
        Interaction? line;
        try
        {
            line = await _services.GetRequiredService<UpdateRouter>().HandleAsync(update, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return; // left unprocessed: handled again at the next start
        }
        catch (Exception ex)
        {
            errorId = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
            _logger.LogError(ex, "Telegram update {UpdateId} ({Kind}) failed; error id {ErrorId}", update.Id, update.Type, errorId);
            line = await _services.GetRequiredService<UpdateRouter>().ApologizeAsync(update, errorId, stoppingToken).ConfigureAwait(false);
        }
        Interlocked.Increment(ref _handled);
        try
        {
            await _ledger.MarkProcessedAsync(update.Id, errorId, line, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Could not mark Telegram update {UpdateId} handled", update.Id);
        }
    }
}
