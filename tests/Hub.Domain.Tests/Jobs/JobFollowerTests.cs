using Hub.Domain.Jobs;
using Hub.Testing;
using Npgsql;

namespace Hub.Domain.Tests.Jobs;

public sealed class JobFollowerTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private JobQueue Queue => db.Get<JobQueue>();
    private JobStore Store => db.Get<JobStore>();
    private JobFollower Follower => db.Get<JobFollower>();
    private static string NewQueue() => "q" + Guid.NewGuid().ToString("N")[..8];
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Follow_YieldsTheCurrentStateThenEachChange_AndEndsWithTheTerminalState()
    {
        var q = NewQueue();
        var job = await Queue.EnqueueAsync(new NewJob("import", q, "api"), CancellationToken.None);
        using var timeout = new CancellationTokenSource(Patience);
        var seen = new System.Collections.Concurrent.ConcurrentQueue<JobUpdate>();
        var following = Task.Run(async () =>
        {
            await foreach (var u in Follower.FollowAsync(job.Id, TimeSpan.FromSeconds(10), timeout.Token))
            {
                seen.Enqueue(u);
            }
        });
        await WaitUntilAsync(() => !seen.IsEmpty);

        var claimed = Assert.Single(await Store.ClaimAsync(q, JobStates.Downloading, 1, "w1", CancellationToken.None));
        await WaitUntilAsync(() => seen.Any(u => u.State == JobStates.Downloading));
        await Store.SaveProgressAsync(claimed, "w1", new JobProgress(43, 430, 1000, 100, 6), CancellationToken.None);
        await WaitUntilAsync(() => seen.Any(u => u.Progress == 43));
        await Store.CompleteAsync(claimed, "w1", null, null, "finished", null, CancellationToken.None);
        await following.WaitAsync(timeout.Token);

        var all = seen.ToList();
        Assert.Equal(JobStates.Queued, all[0].State);
        Assert.Equal(JobStates.Completed, all[^1].State);
        Assert.Single(all, u => u.IsFinal);
        Assert.Equal([JobStates.Queued, JobStates.Downloading, JobStates.Completed], all.Select(u => u.State).Distinct().ToList());
    }

    [Fact]
    public async Task Follow_OfAFinishedJob_YieldsItOnceAndEnds()
    {
        var job = await Queue.EnqueueAsync(new NewJob("import", NewQueue(), "api"), CancellationToken.None);
        await Queue.CancelAsync(job.Id, "test", CancellationToken.None);

        var all = await ToListAsync(Follower.FollowAsync(job.Id, null, new CancellationTokenSource(Patience).Token));

        Assert.Equal(JobStates.Cancelled, Assert.Single(all).State);
    }

    [Fact]
    public async Task Follow_NoticesAChangeThatWasNeverPublished_ByReReadingTheRow()
    {
        var job = await Queue.EnqueueAsync(new NewJob("import", NewQueue(), "api"), CancellationToken.None);
        using var timeout = new CancellationTokenSource(Patience);
        var following = ToListAsync(Follower.FollowAsync(job.Id, TimeSpan.FromMilliseconds(200), timeout.Token));

        // Another process's NOTIFY got lost: the row changes behind the follower's back.
        await using (var conn = new NpgsqlConnection(db.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("UPDATE jobs SET state = 'failed', error = 'gone', updated_at = now() WHERE id = $1", conn);
            cmd.Parameters.AddWithValue(job.Id);
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }

        var all = await following;
        Assert.Equal(JobStates.Failed, all[^1].State);
        Assert.Equal("gone", all[^1].Error);
    }

    [Fact]
    public async Task Follow_OfAnUnknownJob_IsNotFound()
    {
        await Assert.ThrowsAsync<HubNotFoundException>(() => ToListAsync(Follower.FollowAsync(Guid.NewGuid(), null, CancellationToken.None)));
    }

    private static async Task<List<JobUpdate>> ToListAsync(IAsyncEnumerable<JobUpdate> updates)
    {
        var list = new List<JobUpdate>();
        await foreach (var u in updates)
        {
            list.Add(u);
        }
        return list;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out waiting");
            await Task.Delay(20);
        }
    }
}
