using System.Collections.Concurrent;
using Hub.Domain.Imports;
using Hub.Domain.Libraries;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Scanning;

/// <summary>
/// Watches library folders (when <see cref="ScannerOptions.Watch"/> is on) and queues a scan of a library once a new
/// or changed media file in it has kept the same size for <see cref="ScannerOptions.WatchDebounce"/>: a file still
/// being copied is not taken half-written. The scan does the rest (probe, hash, entry or unmatched).
/// </summary>
public sealed class LibraryWatcher(IOptions<ScannerOptions> options, IOptions<HubOptions> hubOptions, LibraryService libraries, ScanService scans,
    TimeProvider time, ILogger<LibraryWatcher> logger) : BackgroundService
{
    // New libraries (and folders created since) are picked up this often.
    private static readonly TimeSpan RefreshLibraries = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Guid Library, FileSystemWatcher Watcher)> _watchers = new(StringComparer.Ordinal);

    /// <summary>Whether the folder is being watched now.</summary>
    public bool Watches(string root)
    {
        lock (_watchers) return _watchers.ContainsKey(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)));
    }

    private sealed record Pending(Guid Library, long Size, DateTimeOffset Since);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Watch)
        {
            return;
        }
        var debounce = options.Value.WatchDebounce;
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(debounce.TotalMilliseconds / 4, 100, 1000));
        var refreshed = DateTimeOffset.MinValue;
        var failing = false;
        var retry = new HashSet<Guid>(); // libraries whose scan could not be queued yet
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (time.GetUtcNow() - refreshed > RefreshLibraries)
                {
                    refreshed = time.GetUtcNow();
                    try
                    {
                        await WatchLibrariesAsync(stoppingToken).ConfigureAwait(false);
                        failing = false;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // The database away (or a folder unreadable): the watches in place go on, the list is read
                        // again at the next refresh. Said once per outage, not every few seconds.
                        if (!failing)
                        {
                            logger.LogWarning("Could not read the libraries to watch: {Error}; trying again every {Interval}", ex.Message, RefreshLibraries);
                        }
                        failing = true;
                    }
                }
                retry.UnionWith(Settled(debounce));
                foreach (var library in retry.ToList())
                {
                    try
                    {
                        var job = await scans.StartAsync(library.ToString(), Doors.Cli, "watcher", stoppingToken).ConfigureAwait(false);
                        logger.LogInformation("New files settled in library {Library}: scan job {JobId}", library, job.Id);
                        retry.Remove(library);
                    }
                    catch (Exception ex) when (Storage.DatabaseOutage.Is(ex))
                    {
                        // Kept for the next tick: the settled files are out of the pending list, so dropping the
                        // library here would leave them for the next scheduled scan.
                        if (!failing)
                        {
                            logger.LogWarning("Could not queue a scan of library {Library}: {Error}; trying again", library, ex.Message);
                        }
                        failing = true;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        logger.LogWarning("Could not queue a scan of library {Library}: {Error}", library, ex.Message);
                        retry.Remove(library); // not a passing outage (the library deleted meanwhile): asking again changes nothing
                    }
                }
                await Task.Delay(tick, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            lock (_watchers)
            {
                foreach (var (_, w) in _watchers.Values) w.Dispose();
                _watchers.Clear();
            }
        }
    }

    /// <summary>Libraries with a file whose size has not changed for the debounce time; those files leave the list.</summary>
    private HashSet<Guid> Settled(TimeSpan debounce)
    {
        var now = time.GetUtcNow();
        var libs = new HashSet<Guid>();
        foreach (var (path, p) in _pending)
        {
            long size;
            try
            {
                size = new FileInfo(path).Length;
            }
            catch (FileNotFoundException)
            {
                _pending.TryRemove(path, out _);
                continue;
            }
            if (size != p.Size)
            {
                _pending[path] = p with { Size = size, Since = now }; // still growing: the clock starts again
            }
            else if (now - p.Since >= debounce && _pending.TryRemove(path, out _))
            {
                libs.Add(p.Library);
            }
        }
        return libs;
    }

    private async Task WatchLibrariesAsync(CancellationToken cancellationToken)
    {
        foreach (var library in await libraries.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            var root = FilePlacer.ResolveRoot(library, hubOptions.Value);
            if (Watches(root) || !Directory.Exists(root))
            {
                continue;
            }
            var watcher = new FileSystemWatcher(root)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Size | NotifyFilters.LastWrite,
            };
            var id = library.Id;
            void Seen(string path)
            {
                if (LocalFileSet.IsMedia(path) && !Path.GetFileName(path).StartsWith('.'))
                {
                    _pending.AddOrUpdate(path, _ => new Pending(id, -1, time.GetUtcNow()), (_, p) => p with { Since = time.GetUtcNow() });
                }
            }
            watcher.Created += (_, e) => Seen(e.FullPath);
            watcher.Changed += (_, e) => Seen(e.FullPath);
            watcher.Renamed += (_, e) => Seen(e.FullPath);
            watcher.Error += (_, e) => logger.LogWarning("Watching {Root} failed: {Error}", root, e.GetException().Message);
            watcher.EnableRaisingEvents = true;
            lock (_watchers) _watchers[root] = (id, watcher);
            logger.LogInformation("Watching {Root} for library {Library}", root, library.Name);
        }
    }
}
