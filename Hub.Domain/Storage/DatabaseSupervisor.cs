using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Storage;

/// <summary>What health and the admin show about the database.</summary>
/// <param name="Mode">embedded (this process runs the private cluster), attached (another Hub process runs it), external.</param>
/// <param name="State">starting, running, unreachable, restarting, stopped.</param>
/// <param name="Since">When <paramref name="State"/> began.</param>
public sealed record DatabaseStatus(string Mode, string State, DateTimeOffset Since, string? LastError, int Restarts, DateTimeOffset? LastRestartAt)
{
    public bool IsRunning => State == DatabaseSupervisor.Running;
}

/// <summary>
/// Watches the database every <c>Hub:Database:SuperviseInterval</c>. A private cluster this process started is
/// restarted when its postmaster dies (back-off 1 s, 2 s, 4 s… up to <c>RestartMaxDelay</c>), on the same socket
/// so pooled connection strings stay valid. An external server (or a cluster another process owns) is only
/// reported: it is its operator's to restart. A clean stop is never taken for a crash.
/// </summary>
public sealed class DatabaseSupervisor(HubDatabase database, IOptions<HubOptions> options, TimeProvider time, ILogger<DatabaseSupervisor> logger)
    : BackgroundService
{
    public const string Running = "running", Starting = "starting", Unreachable = "unreachable", Restarting = "restarting", Stopped = "stopped";

    private volatile DatabaseStatus _status = new("unknown", Starting, time.GetUtcNow(), null, 0, null);

    public DatabaseStatus Status => _status;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The host started the database before any hosted service (DatabaseHostedService).
        var interval = options.Value.Database.SuperviseInterval;
        Set(Running, null);
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await CheckAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Never let a watchdog take the host down (e.g. the database being stopped under it at shutdown).
                    logger.LogWarning("Checking the database failed: {Error}", ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        Set(Stopped, _status.LastError);
    }

    /// <summary>One look: restart a dead private postmaster of ours, else ask the server a trivial question.</summary>
    internal async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (!database.IsStarted)
        {
            return; // stopping (or stopped) cleanly
        }
        // Whoever started it: a process attached to a server whose owner stopped or died would otherwise be left
        // without a database (EmbeddedPostgres.RestartAsync attaches when another process wins the race to start it).
        if (database.Embedded is { Stopping: false } embedded && !embedded.IsPostmasterAlive())
        {
            await RestartAsync(embedded, cancellationToken).ConfigureAwait(false);
            return;
        }
        try
        {
            await using var cmd = database.DataSource.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (_status.State != Running)
            {
                logger.LogInformation("The database answers again (it was {State} since {Since:u})", _status.State, _status.Since);
            }
            Set(Running, _status.LastError);
        }
        catch (Exception ex) when (DatabaseOutage.Is(ex))
        {
            if (_status.State != Unreachable)
            {
                logger.LogWarning("The database does not answer: {Error}", ex.Message);
            }
            Set(Unreachable, ex.Message);
        }
    }

    private async Task RestartAsync(EmbeddedPostgres embedded, CancellationToken cancellationToken)
    {
        Set(Restarting, "The private PostgreSQL server stopped unexpectedly.");
        logger.LogWarning("The private PostgreSQL server in {ClusterDir} is gone; restarting it (its log: {LogFile})", embedded.ClusterDir, embedded.LogFile);
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; !cancellationToken.IsCancellationRequested && !embedded.Stopping; attempt++)
        {
            try
            {
                await embedded.RestartAsync(cancellationToken).ConfigureAwait(false);
                // Pooled connections still point at the dead server's sockets: drop them.
                database.DataSource.Clear();
                var restartedAt = time.GetUtcNow();
                _status = _status with { Restarts = _status.Restarts + 1, LastRestartAt = restartedAt };
                Set(Running, _status.LastError);
                logger.LogWarning("The private PostgreSQL server is running again after {Attempts} attempt(s); restarts so far: {Restarts}",
                    attempt, _status.Restarts);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _status = _status with { LastError = ex.Message };
                logger.LogWarning("Restarting the private PostgreSQL server failed (attempt {Attempt}): {Error}; next try in {Delay}",
                    attempt, ex.Message, delay);
            }
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.Database.RestartMaxDelay.Ticks));
        }
    }

    private void Set(string state, string? lastError)
    {
        var mode = database.Embedded is { } e ? (e.OwnsServer ? "embedded" : "attached") : "external";
        var current = _status;
        _status = current with
        {
            Mode = mode,
            State = state,
            Since = current.State == state ? current.Since : time.GetUtcNow(),
            LastError = lastError,
        };
    }
}
