using System.Text.Json;
using Hub.Domain.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Hub.Domain.Jobs;

/// <summary>
/// One LISTEN connection per process: job updates (from the jobs table's trigger, whichever process wrote them) go to
/// <see cref="JobUpdates"/>, ready-job wake-ups go to <see cref="JobSignals"/>. Reconnects when the connection drops.
/// </summary>
public sealed class JobNotificationListener(HubDatabase database, JobUpdates updates, JobSignals signals, ILogger<JobNotificationListener> logger)
    : BackgroundService
{
    public const string UpdatesChannel = "hub_job_updates";
    public const string ReadyChannel = "hub_jobs";

    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first LISTEN is in place (tests wait on it before they act).</summary>
    public Task Listening => _listening.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await database.StartAsync(stoppingToken).ConfigureAwait(false);
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = await database.DataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                conn.Notification += OnNotification;
                await using (var cmd = new NpgsqlCommand($"LISTEN {UpdatesChannel}; LISTEN {ReadyChannel};", conn))
                {
                    await cmd.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
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
        if (e.Channel == ReadyChannel)
        {
            signals.Signal(e.Payload);
            return;
        }
        try
        {
            var update = JsonSerializer.Deserialize<JobUpdate>(e.Payload, JobJson.Options);
            if (update is not null)
            {
                updates.Publish(update);
            }
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "Ignoring a malformed job notification");
        }
    }
}
