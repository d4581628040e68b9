using Hub.Domain.Jobs;
using Hub.Domain.Scheduling;
using Hub.Domain.Tools;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Tests.Tools;

/// <summary>The weekly firing makes one tool-update job per week, and only when Hub:ToolUpdates:Scheduled is on.</summary>
public sealed class ScheduledToolUpdateTests(DatabaseFixture fx) : IClassFixture<DatabaseFixture>
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    private ScheduledToolUpdate Firing(bool scheduled, DateTimeOffset at) =>
        new(Options.Create(new ToolUpdateOptions { Scheduled = scheduled }), fx.Get<JobQueue>(), new FixedClock(at), NullLogger<EnqueueScheduledJob>.Instance);

    [Fact]
    public async Task Off_EnqueuesNothing_On_OneJobPerWeek()
    {
        await Firing(scheduled: false, Monday).Invoke();
        Assert.Empty(await JobsAsync());

        await Task.WhenAll(Firing(true, Monday.AddSeconds(-1)).Invoke(), Firing(true, Monday.AddSeconds(2)).Invoke());
        var job = Assert.Single(await JobsAsync());
        Assert.Equal(ToolUpdateHandler.ToolsQueue, job.Queue);
        Assert.Equal(JobStates.Queued, job.State);

        await Firing(true, Monday.AddDays(7)).Invoke();
        Assert.Equal(2, (await JobsAsync()).Count);
    }

    private async Task<List<Job>> JobsAsync()
    {
        await using var db = fx.CreateDb();
        return await db.Jobs.AsNoTracking().Where(j => j.Kind == ToolUpdateHandler.Kind).ToListAsync();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
