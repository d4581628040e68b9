using Microsoft.Extensions.Hosting;

namespace Hub.Domain.Libraries;

/// <summary>A fresh install gets its default libraries (Videos, Music) right after the schema is in place.</summary>
public sealed class LibraryDefaultsService(LibraryService libraries) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await libraries.EnsureDefaultsAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
