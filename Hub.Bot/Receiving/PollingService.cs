using Hub.Bot.Telegram;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types;

namespace Hub.Bot.Receiving;

/// <summary>
/// Long polling (the default mode): getUpdates with a long-poll timeout well below the HTTP timeout, every new update
/// recorded and queued, then the offset saved. Errors back off and retry; nothing stops the loop but shutdown.
/// Ours rather than Telegram.Bot's receiver: the offset is durable (saved in the database only after the updates are in
/// the ledger), and updates go to the ledger and per-person lanes, not straight to a handler.
/// </summary>
public sealed class PollingService(ITelegramBotClient client, UpdateQueue queue, UpdateLedger ledger, BotStartup startup,
    IOptions<TelegramOptions> options, TimeProvider time, ILogger<PollingService> logger) : BackgroundService
{
    private static readonly TimeSpan QuickEmptyReply = TimeSpan.FromMilliseconds(200);

    /// <summary>The updates Hub handles (polling and webhook alike).</summary>
    public static readonly UpdateType[] AllowedUpdates = [UpdateType.Message, UpdateType.EditedMessage, UpdateType.CallbackQuery, UpdateType.InlineQuery];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled || options.Value.IsWebhook)
        {
            return;
        }
        await startup.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
        long? known = null; // read inside the loop: the database may be away when the bot becomes ready
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var offset = known ??= await ledger.GetOffsetAsync(stoppingToken).ConfigureAwait(false);
                var started = time.GetTimestamp();
                var timeout = options.Value.PollTimeoutSeconds;
                using var call = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                call.CancelAfter(TimeSpan.FromSeconds(timeout + 15));
                var updates = await client.GetUpdates(checked((int)offset), 100, timeout, AllowedUpdates, call.Token).ConfigureAwait(false);
                if (updates.Length == 0 && timeout > 0 && time.GetElapsedTime(started) < QuickEmptyReply)
                {
                    // A server that ignores the long-poll timeout (emulators) must not turn this loop into a busy spin.
                    await Task.Delay(QuickEmptyReply, time, stoppingToken).ConfigureAwait(false);
                }
                if (updates.Length > 0)
                {
                    // The batch and the offset after it in one commit: a crash before it re-polls the batch, after it
                    // finds the updates in the ledger (handled or to be handled at the next start).
                    offset = Math.Max(offset, updates.Max(u => u.Id) + 1L);
                    await queue.AcceptManyAsync(updates, offset, stoppingToken).ConfigureAwait(false);
                    known = offset; // only once the batch is stored: a failed store polls the same batch again
                }
                backoff = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Telegram polling failed ({Error}); retrying in {Seconds} s", ex.Message, backoff.TotalSeconds);
                await Task.Delay(backoff, time, stoppingToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }
}
