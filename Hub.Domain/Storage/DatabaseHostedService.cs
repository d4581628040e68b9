using Microsoft.Extensions.Hosting;

namespace Hub.Domain.Storage;

/// <summary>Starts (and migrates) the database before every other hosted service, and stops it after them.</summary>
public sealed class DatabaseHostedService(HubDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => database.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => database.StopAsync(CancellationToken.None);
}
