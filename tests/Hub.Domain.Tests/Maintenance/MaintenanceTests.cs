using Coravel;
using Coravel.Scheduling.Schedule;
using Coravel.Scheduling.Schedule.Interfaces;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Maintenance;
using Hub.Testing;
using Hub.Domain.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hub.Domain.Tests.Maintenance;

public sealed class MaintenanceFixture : DatabaseFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Hub:Jobs:PollInterval"] = "00:00:01" };

    protected override void Configure(IServiceCollection services)
    {
        services.AddHubWorkers();
        services.AddScheduler();
    }
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
    public async Task ScheduledFiring_EnqueuesHousekeeping_AndAWorkerRunsIt()
    {
        fx.Services.UseScheduler(s => s.Enqueue(MaintenanceHandler.Schedule).Hourly());
        foreach (var hosted in new IHostedService[] { fx.Get<JobBroadcaster>(), fx.Get<JobNotificationListener>(), fx.Get<JobWorker>() })
        {
            await hosted.StartAsync(CancellationToken.None);
        }
        var onTheHour = DateTime.UtcNow.Date.AddHours(DateTime.UtcNow.Hour);
        await ((Scheduler)fx.Get<IScheduler>()).RunAtAsync(onTheHour);

        var key = MaintenanceHandler.Schedule.KeyFor(MaintenanceHandler.Schedule.SlotOf(DateTimeOffset.UtcNow));
        var until = DateTime.UtcNow.AddSeconds(60);
        Job? job = null;
        while (DateTime.UtcNow < until)
        {
            var jobs = await fx.Get<JobQueue>().ListAsync(new JobFilter { Kind = MaintenanceHandler.Kind }, CancellationToken.None);
            job = jobs.FirstOrDefault(j => j.IdempotencyKey == key);
            if (job is { State: JobStates.Completed }) break;
            await Task.Delay(100);
        }
        Assert.NotNull(job);
        Assert.Equal(JobStates.Completed, job.State);
        Assert.Contains("removed", job.Result!.RootElement.GetRawText() + (await EventsAsync(job.Id)));
    }

    private async Task<string> EventsAsync(Guid jobId)
    {
        await using var db = fx.CreateDb();
        return string.Join("\n", db.JobEvents.Where(e => e.JobId == jobId).Select(e => e.Message));
    }
}
