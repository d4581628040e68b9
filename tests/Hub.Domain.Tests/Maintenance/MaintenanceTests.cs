using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Maintenance;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Domain.Tests.Maintenance;

public sealed class MaintenanceFixture : DatabaseFixture
{
    protected override void Configure(IServiceCollection services) => services.AddHubWorkers();
}

public sealed class MaintenanceTests(MaintenanceFixture fx) : IClassFixture<MaintenanceFixture>
{
    [Fact]
    public async Task Clean_RemovesOnlyStaleTempFilesNoUnfinishedJobNeeds()
    {
        var temp = Path.Combine(fx.DataDir, "tmp");
        var live = await fx.Get<JobQueue>().EnqueueAsync(new NewJob("import", "nobody", "api")
        {
            Request = new ImportJobData { UploadedFile = Path.Combine(temp, "uploads", "wanted.mp4") },
        }, CancellationToken.None);
        var old = DateTime.UtcNow - TimeSpan.FromDays(1);
        string Dir(string name) { var d = Path.Combine(temp, "jobs", name); Directory.CreateDirectory(d); Directory.SetLastWriteTimeUtc(d, old); return d; }
        string Upload(string name, DateTime at) { var f = Path.Combine(temp, "uploads", name); Directory.CreateDirectory(Path.GetDirectoryName(f)!); File.WriteAllText(f, "x"); File.SetLastWriteTimeUtc(f, at); return f; }
        var staleDir = Dir(Guid.NewGuid().ToString("N"));
        var liveDir = Dir(live.Id.ToString("N"));
        var freshDir = Path.Combine(temp, "jobs", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(freshDir);
        var staleUpload = Upload("forgotten.mp4", old);
        var wantedUpload = Upload("wanted.mp4", old);
        var freshUpload = Upload("arriving.mp4", DateTime.UtcNow);

        var summary = await fx.Get<MaintenanceHandler>().CleanAsync(CancellationToken.None);

        Assert.Equal((1, 1), (summary.WorkDirs, summary.Uploads));
        Assert.False(Directory.Exists(staleDir));
        Assert.False(File.Exists(staleUpload));
        Assert.True(Directory.Exists(liveDir) && Directory.Exists(freshDir) && File.Exists(wantedUpload) && File.Exists(freshUpload));
    }

    [Fact]
    public async Task Scheduler_KeepsExactlyOneHousekeepingJobScheduled()
    {
        var schedulers = fx.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<MaintenanceScheduler>().ToList();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => schedulers[0].StartAsync(CancellationToken.None)));
        var jobs = await fx.Get<JobQueue>().ListAsync(new JobFilter { Kind = MaintenanceHandler.Kind }, CancellationToken.None);
        var scheduled = Assert.Single(jobs);
        Assert.Equal(JobStates.Queued, scheduled.State);
        Assert.True(scheduled.RunAfter > DateTimeOffset.UtcNow);
    }
}
