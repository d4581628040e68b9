using Hub.Bot.Telegram;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Bot.Receiving;

/// <summary>
/// Long polling (the default mode): getUpdates with a long-poll timeout well below the HTTP timeout, every new update
/// recorded and queued, then the offset saved. Errors back off and retry; nothing stops the loop but shutdown.
/// </summary>
public sealed class PollingService(TelegramClient client, UpdateQueue queue, UpdateLedger ledger, BotStartup startup,
    IOptions<TelegramOptions> options, TimeProvider time, ILogger<PollingService> logger) : BackgroundService
{
    private static readonly TimeSpan QuickEmptyReply = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled || options.Value.IsWebhook)
        {
            return;
        }
        await startup.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
        var offset = await ledger.GetOffsetAsync(stoppingToken).ConfigureAwait(false);
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var started = time.GetTimestamp();
                var updates = await client.GetUpdatesAsync(offset, options.Value.PollTimeoutSeconds, stoppingToken).ConfigureAwait(false);
                if (updates.Count == 0 && options.Value.PollTimeoutSeconds > 0 && time.GetElapsedTime(started) < QuickEmptyReply)
                {
                    // A server that ignores the long-poll timeout (emulators) must not turn this loop into a busy spin.
                    await Task.Delay(QuickEmptyReply, time, stoppingToken).ConfigureAwait(false);
                }
                foreach (var update in updates.OrderBy(u => u.UpdateId))
                {
                    await queue.AcceptAsync(update, stoppingToken).ConfigureAwait(false);
                    offset = Math.Max(offset, update.UpdateId + 1);
                }
                if (updates.Count > 0)
                {
                    await ledger.SaveOffsetAsync(offset, stoppingToken).ConfigureAwait(false);
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
