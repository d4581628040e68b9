using Hub.Domain.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Hub.Domain.Jobs;

/// <summary>
/// One LISTEN connection per process: batches of job updates and wake-ups that other processes broadcast (see
/// <see cref="JobBroadcaster"/>) are republished here, and cache invalidations (<see cref="CacheInvalidation"/>) handed on.
/// Reconnects when the connection drops.
/// </summary>
public sealed class JobNotificationListener(NpgsqlDataSource dataSource, JobBroadcaster broadcaster, JobSignals signals,
    CacheInvalidation caches, ILogger<JobNotificationListener> logger)
    : BackgroundService
{

    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first LISTEN is in place (tests wait on it before they act).</summary>
    public Task Listening => _listening.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                conn.Notification += OnNotification;
                await using (var cmd = new NpgsqlCommand($"LISTEN {JobBroadcaster.Channel}; LISTEN {CacheInvalidation.Channel}", conn))
                {
                    await cmd.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }
                if (_listening.Task.IsCompleted)
                {
                    caches.ForgetAll(); // invalidations sent while we were deaf are lost
                }
                _listening.TrySetResult();
                delay = TimeSpan.FromSeconds(1);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await conn.WaitAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.IO.IOException or InvalidOperationException or TimeoutException)
            {
                logger.LogWarning("Job notification connection lost ({Error}); reconnecting in {Delay}", ex.Message, delay);
                // Anything may have become ready while we were deaf.
                foreach (var q in new[] { JobQueues.Probe, JobQueues.Download, JobQueues.Expand, JobQueues.Maintenance })
                {
                    signals.Signal(q);
                }
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2));
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == CacheInvalidation.Channel)
        {
            caches.Receive(e.Payload);
        }
        else
        {
            broadcaster.Receive(e.Payload);
        }
    }
}
