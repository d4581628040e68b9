using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hub.Domain.Tests.Scanning;

/// <summary>The pipeline fixture (a real database, workers started) with the folder watcher on and a short debounce.</summary>
public sealed class ScannerFixture : Imports.PipelineFixture
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var s = base.Settings;
            s["Hub:Scanner:Watch"] = "true";
            s["Hub:Scanner:WatchDebounce"] = "00:00:04"; // well beyond the 0.7 s between the watcher test's writes, even on a busy machine
            s["Hub:Scanner:MinFileAge"] = "00:00:00";
            return s;
        }
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
