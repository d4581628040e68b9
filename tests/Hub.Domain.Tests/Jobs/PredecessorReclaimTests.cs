using System.Diagnostics;
using Hub.Domain.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Tests.Jobs;

/// <summary>A restarted worker takes back at once the jobs its dead predecessor on this host held; it leaves live ones alone.</summary>
public sealed class PredecessorReclaimTests(WorkerFixture fx) : IClassFixture<WorkerFixture>
{
    [Fact]
    public async Task FreshWorker_ReclaimsJobsOfDeadPredecessor_AtOnce_AndLeavesLiveLeasesAlone()
    {
        using var live = Process.Start(new ProcessStartInfo("sleep", "120"))!;
        using var gone = Process.Start(new ProcessStartInfo("sleep", "120"))!;
        try
        {
            var liveStart = WorkerIdentity.ReadStartTicks(live.Id)!.Value;
            var goneStart = WorkerIdentity.ReadStartTicks(gone.Id)!.Value;
            gone.Kill();
            await gone.WaitForExitAsync();

            var deadJob = await LeaseAsync("pred-gone", gone.Id, goneStart);
            var reusedPidJob = await LeaseAsync("pred-reused-pid", live.Id, liveStart + 1); // same pid, another process
            var liveJob = await LeaseAsync("neighbour-alive", live.Id, liveStart);

            await fx.StartWorkersAsync();

            // The leases run for an hour: only the reclaim at start can explain these jobs completing now.
            foreach (var id in new[] { deadJob, reusedPidJob })
            {
                var done = await WaitForStateAsync(id, JobStates.Completed);
                Assert.Equal(2, done.Attempt);
                var events = await fx.Get<JobQueue>().EventsAsync(id, CancellationToken.None);
                Assert.Contains(events, e => e.ToState == JobStates.Stalled && e.Message.Contains("process is gone"));
            }
            var untouched = await fx.Get<JobQueue>().GetAsync(liveJob, CancellationToken.None);
            Assert.Equal(JobStates.Downloading, untouched.State);
            Assert.Equal("neighbour-alive", untouched.LeaseOwner);
            Assert.Equal(1, untouched.Attempt);
        }
        finally
        {
            live.Kill();
        }
    }

    /// <summary>A job claimed by <paramref name="owner"/>, recorded as held by that pid on this host, leased for an hour.</summary>
    private async Task<Guid> LeaseAsync(string owner, int pid, long startTicks)
    {
        var queue = "reclaim-" + Guid.NewGuid().ToString("N")[..8];
        var job = await fx.Get<JobQueue>().EnqueueAsync(new NewJob("test", queue, "api") { Request = new { script = "ok" } }, CancellationToken.None);
        Assert.Single(await fx.Get<JobStore>().ClaimAsync(queue, JobStates.Downloading, 1, owner, CancellationToken.None));
        var me = WorkerIdentity.Current;
        await using var db = fx.CreateDb();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE jobs SET queue = {ScriptedHandler.QueueName}, lease_expires_at = now() + interval '1 hour',
                lease_host = {me.Host}, lease_boot_id = {me.BootId}, lease_pid = {pid}, lease_pid_start = {startTicks}
            WHERE id = {job.Id}
            """);
        return job.Id;
    }

    private async Task<Job> WaitForStateAsync(Guid id, string state)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < until)
        {
            var job = await fx.Get<JobQueue>().GetAsync(id, CancellationToken.None);
            if (job.State == state) return job;
            await Task.Delay(100);
        }
        var last = await fx.Get<JobQueue>().GetAsync(id, CancellationToken.None);
        throw new TimeoutException($"job {id} is {last.State} (lease {last.LeaseOwner}), never reached {state}");
    }
}
