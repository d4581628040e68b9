using Microsoft.Extensions.Hosting;

namespace Hub.Domain.Storage;

/// <summary>
/// Starts (and migrates) the database in the host's Starting phase, before any hosted service's StartAsync runs, and
/// stops it in the Stopped phase, after every one of them has stopped. So no service ever starts the database itself.
/// </summary>
public sealed class DatabaseHostedService(HubDatabase database) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => database.StartAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => database.StopAsync(CancellationToken.None);
}
