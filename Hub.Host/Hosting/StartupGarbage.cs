using System.Runtime;
using Microsoft.Extensions.Hosting;

namespace Hub.Host.Hosting;

/// <summary>
/// Start-up builds EF Core's model, runs the migrations check, reads configuration and warms caches: tens of MiB of
/// short-lived objects that a workstation GC keeps committed until the heap grows again. A few seconds after the host
/// has started, one aggressive collection (compacting, decommitting what is free) hands that memory back to the system,
/// so an idle Hub sits at its working set rather than its start-up peak. Once, never again.
/// </summary>
public sealed class StartupGarbage(IHostApplicationLifetime lifetime) : BackgroundService
{
    public static readonly TimeSpan After = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var _ = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        await Task.Delay(After, stoppingToken).ConfigureAwait(false);
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
