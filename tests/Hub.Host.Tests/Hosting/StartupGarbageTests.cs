using Hub.Host.Hosting;
using Microsoft.Extensions.Hosting;
using NSubstitute;

namespace Hub.Host.Tests.Hosting;

public sealed class StartupGarbageTests
{
    [Fact]
    public async Task AfterTheHostHasStarted_OneFullCollectionRuns_ThenTheServiceIsDone()
    {
        using var started = new CancellationTokenSource();
        var lifetime = Substitute.For<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Returns(started.Token);
        using var service = new StartupGarbage(lifetime);
        var before = GC.CollectionCount(GC.MaxGeneration);

        await service.StartAsync(CancellationToken.None);
        await Task.Delay(200);
        Assert.False(service.ExecuteTask!.IsCompleted); // waits for the host to have started
        await started.CancelAsync();
        await service.ExecuteTask.WaitAsync(StartupGarbage.After + TimeSpan.FromSeconds(10));

        Assert.True(GC.CollectionCount(GC.MaxGeneration) > before);
    }

    [Fact]
    public async Task AHostStoppingBeforeItStarted_StopsTheService_WithoutACollection()
    {
        var lifetime = Substitute.For<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Returns(CancellationToken.None);
        using var service = new StartupGarbage(lifetime);
        await service.StartAsync(CancellationToken.None);
        await service.StopAsync(CancellationToken.None);
        Assert.True(service.ExecuteTask!.IsCompleted);
    }
}
