using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hub.Bench;

/// <summary>
/// Starts and stops a service provider's hosted services in the order the generic host does, lifecycle hooks included
/// (the database starts and migrates in <c>StartingAsync</c>), for benchmarks that build Hub's services without a host.
/// </summary>
public static class HostedServices
{
    public static async Task StartAllAsync(IServiceProvider services)
    {
        var all = services.GetServices<IHostedService>().ToList();
        foreach (var s in all.OfType<IHostedLifecycleService>()) await s.StartingAsync(CancellationToken.None);
        foreach (var s in all) await s.StartAsync(CancellationToken.None);
        foreach (var s in all.OfType<IHostedLifecycleService>()) await s.StartedAsync(CancellationToken.None);
    }

    public static async Task StopAllAsync(IServiceProvider services)
    {
        var all = services.GetServices<IHostedService>().Reverse().ToList();
        foreach (var s in all.OfType<IHostedLifecycleService>()) await s.StoppingAsync(CancellationToken.None);
        foreach (var s in all) await s.StopAsync(CancellationToken.None);
        foreach (var s in all.OfType<IHostedLifecycleService>()) await s.StoppedAsync(CancellationToken.None);
    }
}
