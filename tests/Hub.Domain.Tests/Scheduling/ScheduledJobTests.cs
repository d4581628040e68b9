using Coravel;
using Coravel.Scheduling.Schedule;
using Coravel.Scheduling.Schedule.Interfaces;
using Hub.Domain.Jobs;
using Hub.Domain.Maintenance;
using Hub.Domain.Scheduling;
using Hub.Domain.Storage;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Domain.Tests.Scheduling;

/// <summary>Coravel fires recurring work in every process; the idempotency key of the slot makes one job of it.</summary>
public sealed class ScheduledJobTests(DatabaseFixture fx) : IClassFixture<DatabaseFixture>
{
    private static readonly DateTimeOffset Seven = new(2026, 12, 1, 19, 0, 0, TimeSpan.Zero);

    [Fact]
    public void SlotOf_ClocksAFewSecondsApart_AgreeOnTheNearestSlot()
    {
        var job = MaintenanceHandler.Schedule;
        Assert.Equal("maintenance:2026-12-01T19:00", job.KeyFor(job.SlotOf(Seven.AddMilliseconds(-200))));
        Assert.Equal("maintenance:2026-12-01T19:00", job.KeyFor(job.SlotOf(Seven.AddSeconds(3))));
        Assert.Equal("maintenance:2026-12-01T20:00", job.KeyFor(job.SlotOf(Seven.AddMinutes(59))));
    }

    [Fact]
    public async Task TwoProcessesFiringTheSameSlot_CreateOneJob_AndTheNextSlotAnother()
    {
        await using var first = await ProcessAsync(Seven.AddMilliseconds(-300));
        await using var second = await ProcessAsync(Seven.AddMilliseconds(400));

        // What Coravel's host does at every tick, in both processes at once.
        await Task.WhenAll(Fire(first, Seven), Fire(second, Seven), Fire(first, Seven), Fire(second, Seven));

        var jobs = await MaintenanceJobsAsync();
        var job = Assert.Single(jobs);
        Assert.Equal("maintenance:2026-12-01T19:00", job.IdempotencyKey);
        Assert.Equal(JobQueues.Maintenance, job.Queue);
        Assert.Equal(JobStates.Queued, job.State);

        await using var later = await ProcessAsync(Seven.AddHours(1));
        await Fire(later, Seven.AddHours(1));
        Assert.Equal(["maintenance:2026-12-01T19:00", "maintenance:2026-12-01T20:00"],
            (await MaintenanceJobsAsync()).Select(j => j.IdempotencyKey).Order());
    }

    [Fact]
    public async Task Enqueue_SameKeyConcurrently_ReturnsTheOneJobToEveryCaller()
    {
        var queue = fx.Get<JobQueue>();
        var key = "test:" + Guid.NewGuid().ToString("N");
        var jobs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            queue.EnqueueAsync(new NewJob("test", "nobody-claims-this", "api") { IdempotencyKey = key }, CancellationToken.None)));
        Assert.Single(jobs.Select(j => j.Id).Distinct());
        await using var db = fx.CreateDb();
        Assert.Equal(1, await db.Jobs.CountAsync(j => j.IdempotencyKey == key));
    }

    private static Task Fire(ServiceProvider process, DateTimeOffset at) =>
        ((Scheduler)process.GetRequiredService<IScheduler>()).RunAtAsync(at.UtcDateTime);

    private async Task<List<Job>> MaintenanceJobsAsync()
    {
        await using var db = fx.CreateDb();
        return await db.Jobs.AsNoTracking().Where(j => j.Kind == MaintenanceHandler.Kind).ToListAsync();
    }

    /// <summary>Another Hub process on the same database, its clock at <paramref name="now"/>, with Program's schedule.</summary>
    private async Task<ServiceProvider> ProcessAsync(DateTimeOffset now)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Hub"] = fx.ConnectionString,
            ["Hub:DataDir"] = fx.DataDir,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IConfiguration>(config);
        services.AddHubDomain(config);
        services.AddScheduler();
        services.AddSingleton<TimeProvider>(new FixedClock(now));
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<HubDatabase>().StartAsync(CancellationToken.None);
        provider.UseScheduler(s => s.Enqueue(MaintenanceHandler.Schedule).Hourly());
        return provider;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
