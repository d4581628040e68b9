using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hub.Domain.Tests.Scanning;

/// <summary>A real database and workers, with the folder watcher on and a short debounce.</summary>
public sealed class ScannerFixture : DatabaseFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Hub:Jobs:PollInterval"] = "00:00:01",
        ["Hub:Jobs:ProgressSaveInterval"] = "00:00:00.2",
        ["Hub:Jobs:HeartbeatInterval"] = "00:00:00.5",
        ["Hub:Scanner:Watch"] = "true",
        ["Hub:Scanner:WatchDebounce"] = "00:00:01.5",
        ["Hub:Scanner:MinFileAge"] = "00:00:00",
    };

    protected override void Configure(IServiceCollection services) => services.AddHubWorkers();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var hosted in Services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
        await Get<JobNotificationListener>().Listening;
    }

    public override async Task DisposeAsync()
    {
        foreach (var hosted in Services.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
        await base.DisposeAsync();
    }

    /// <summary>A library of its own (folder under the media folder) and that folder's full path.</summary>
    public async Task<(Library Library, string Root)> LibraryAsync(string name)
    {
        var lib = await Get<LibraryService>().CreateAsync(new LibraryInput(name, MediaKind: "any"), CancellationToken.None);
        var root = FilePlacer.ResolveRoot(lib, Get<Microsoft.Extensions.Options.IOptions<HubOptions>>().Value);
        Directory.CreateDirectory(root);
        return (lib, root);
    }
}
