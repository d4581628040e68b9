using Hub.Domain.Jobs;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Hub.Domain.Tests.Jobs;

public sealed class JobStoreTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private JobQueue Queue => db.Get<JobQueue>();
    private JobStore Store => db.Get<JobStore>();
    private static string NewQueue() => "q" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task EnqueueClaimComplete_RecordsEveryTransition()
    {
        var q = NewQueue();
        var job = await Queue.EnqueueAsync(new NewJob("import", q, "api") { Source = "http://x/a.mp4" }, CancellationToken.None);
        Assert.Equal(JobStates.Queued, job.State);

        var claimed = Assert.Single(await Store.ClaimAsync(q, JobStates.Downloading, 5, "w1", CancellationToken.None));
        Assert.Equal(JobStates.Downloading, claimed.State);
        Assert.Equal(1, claimed.Attempt);
        Assert.Equal("w1", claimed.LeaseOwner);

        await Store.SaveProgressAsync(claimed, "w1", new JobProgress(40, 400, 1000, 100, 6), CancellationToken.None);
        var done = await Store.CompleteAsync(claimed, "w1", null, new { ok = true }, "finished", null, CancellationToken.None);

        Assert.Equal(JobStates.Completed, done.State);
        Assert.Equal(100, done.Progress);
        Assert.Null(done.LeaseOwner);
        var events = await Queue.EventsAsync(job.Id, CancellationToken.None);
        Assert.Equal([(null, "queued"), ("queued", "downloading"), ("downloading", "completed")],
            events.Select(e => (e.FromState, e.ToState)).ToList());
    }

    [Fact]
    public async Task ConcurrentClaims_NeverHandOutTheSameJobTwice()
    {
        var q = NewQueue();
        await Queue.EnqueueManyAsync(Enumerable.Range(0, 200).Select(i => new NewJob("noop", q, "cli")).ToList(), CancellationToken.None);

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(async w =>
        {
            var mine = new List<Guid>();
            while (true)
            {
                var got = await Store.ClaimAsync(q, JobStates.Processing, 7, "w" + w, CancellationToken.None);
                if (got.Count == 0) return mine;
                mine.AddRange(got.Select(j => j.Id));
            }
        }));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(200, all.Count);
        Assert.Equal(200, all.Distinct().Count());
    }

    [Fact]
    public async Task ExpiredLease_IsReaped_AndTheStaleWorkerCannotFinish()
    {
        var q = NewQueue();
        var job = await Queue.EnqueueAsync(new NewJob("import", q, "api"), CancellationToken.None);
        var first = Assert.Single(await Store.ClaimAsync(q, JobStates.Downloading, 1, "dead-worker", CancellationToken.None));
        await ExpireLeaseAsync(job.Id);

        Assert.Equal(1, await Store.ReapExpiredAsync(CancellationToken.None));
        var second = Assert.Single(await Store.ClaimAsync(q, JobStates.Downloading, 1, "live-worker", CancellationToken.None));
        Assert.Equal(2, second.Attempt);
        Assert.Equal(1, second.Failures);

        // The dead worker comes back to life: every write of its is refused.
        await Assert.ThrowsAsync<JobLeaseLostException>(() => Store.CompleteAsync(first, "dead-worker", null, null, "late", null, CancellationToken.None));
        await Assert.ThrowsAsync<JobLeaseLostException>(() => Store.RenewLeaseAsync(first, "dead-worker", CancellationToken.None));
        await Assert.ThrowsAsync<JobLeaseLostException>(() => Store.SaveProgressAsync(first, "dead-worker", new JobProgress(99, 1, 1, null, null), CancellationToken.None));

        await Store.CompleteAsync(second, "live-worker", null, null, "done", null, CancellationToken.None);
        var events = await Queue.EventsAsync(job.Id, CancellationToken.None);
        Assert.Single(events, e => e.ToState == JobStates.Completed);
        Assert.Contains(events, e => e.ToState == JobStates.Stalled);
        Assert.Contains(events, e => e.FromState == JobStates.Stalled && e.ToState == JobStates.Retrying);
    }

    [Fact]
    public async Task LostWorker_CountsAsAFailedAttempt_OnlyWhenItsAttemptBroughtNoBytes()
    {
        var q = NewQueue();
        var job = await Queue.EnqueueAsync(new NewJob("import", q, "api"), CancellationToken.None);
        // Three reboots in the middle of one long download, each after some progress: the job goes on, nothing counted.
        for (var i = 1; i <= 3; i++)
        {
            var claimed = Assert.Single(await Store.ClaimAsync(q, JobStates.Downloading, 1, "w" + i, CancellationToken.None));
            await Store.SaveProgressAsync(claimed, "w" + i, new JobProgress(i * 10, i * 100, 1000, null, null), CancellationToken.None);
            await ExpireLeaseAsync(job.Id);
            await Store.ReapExpiredAsync(CancellationToken.None);
        }
        var after = await Queue.GetAsync(job.Id, CancellationToken.None);
        Assert.Equal((JobStates.Retrying, 0, 3), (after.State, after.Failures, after.Attempt));
        Assert.Contains(await Queue.EventsAsync(job.Id, CancellationToken.None), e => e.Message?.Contains("not counted as a failed attempt") == true);

        // An attempt that brought nothing (a job that takes its worker down at the same point every time) counts.
        Assert.Single(await Store.ClaimAsync(q, JobStates.Downloading, 1, "w4", CancellationToken.None));
        await ExpireLeaseAsync(job.Id);
        await Store.ReapExpiredAsync(CancellationToken.None);
        Assert.Equal(1, (await Queue.GetAsync(job.Id, CancellationToken.None)).Failures);
    }

    [Fact]
    public async Task ExpiredLease_OfAJobTheReaperRunsItself_IsSpared_AndRenewsAfterwards()
    {
        var q = NewQueue();
        var mine = await Queue.EnqueueAsync(new NewJob("import", q, "api"), CancellationToken.None);
        var theirs = await Queue.EnqueueAsync(new NewJob("import", q, "api"), CancellationToken.None);
        var claimed = await Store.ClaimAsync(q, JobStates.Downloading, 2, "this-process", CancellationToken.None);
        Assert.Equal(2, claimed.Count);
        await ExpireLeaseAsync(mine.Id);
        await ExpireLeaseAsync(theirs.Id);

        Assert.Equal(1, await Store.ReapExpiredAsync([mine.Id], CancellationToken.None));
        Assert.Equal(JobStates.Downloading, (await Queue.GetAsync(mine.Id, CancellationToken.None)).State);
        Assert.Equal(JobStates.Retrying, (await Queue.GetAsync(theirs.Id, CancellationToken.None)).State);
        // The lapsed lease is still this worker's: its next heartbeat renews it.
        Assert.False(await Store.RenewLeaseAsync(claimed.Single(j => j.Id == mine.Id), "this-process", CancellationToken.None));
    }

    [Fact]
    public async Task ReapedJob_HistoryIsInOrder()
    {
        var q = NewQueue();
        var jobs = await Queue.EnqueueManyAsync(Enumerable.Range(0, 20).Select(_ => new NewJob("import", q, "api")).ToList(), CancellationToken.None);
        Assert.Equal(20, (await Store.ClaimAsync(q, JobStates.Downloading, 20, "dead-worker", CancellationToken.None)).Count);
        foreach (var job in jobs)
        {
            await ExpireLeaseAsync(job.Id);
        }

        // The reaper is database-wide: other tests of this class leave claimed jobs whose 30 s leases run out when the
        // class runs slowly, and those are reaped too. Each of this test's 20 is checked below by its own history.
        Assert.True(await Store.ReapExpiredAsync(CancellationToken.None) >= 20);

        foreach (var job in jobs)
        {
            var events = await Queue.EventsAsync(job.Id, CancellationToken.None);
            Assert.Equal([(null, "queued"), ("queued", "downloading"), ("downloading", "stalled"), ("stalled", "retrying")],
                events.Select(e => (e.FromState, e.ToState)).ToList());
        }
    }

    [Fact]
    public async Task ExpiredLease_WithNoAttemptsLeft_Fails()
    {
        var q = NewQueue();
        var job = await Queue.EnqueueAsync(new NewJob("import", q, "api") { MaxAttempts = 1 }, CancellationToken.None);
        await Store.ClaimAsync(q, JobStates.Downloading, 1, "w", CancellationToken.None);
        await ExpireLeaseAsync(job.Id);
        await Store.ReapExpiredAsync(CancellationToken.None);
        var after = await Queue.GetAsync(job.Id, CancellationToken.None);
        Assert.Equal(JobStates.Failed, after.State);
        Assert.Equal("worker-lost", after.ErrorKind);
    }

    [Fact]
    public async Task IllegalTransition_IsRefused()
    {
        var q = NewQueue();
        await Queue.EnqueueAsync(new NewJob("import", q, "api"), CancellationToken.None);
        var job = Assert.Single(await Store.ClaimAsync(q, JobStates.Downloading, 1, "w", CancellationToken.None));
        await Assert.ThrowsAsync<InvalidJobTransitionException>(() => Store.TransitionAsync(job, "w", JobStates.AwaitingReview, "no"));
    }

    [Fact]
    public async Task Progress_NeverGoesBackwards()
    {
        var q = NewQueue();
        await Queue.EnqueueAsync(new NewJob("import", q, "api"), CancellationToken.None);
        var job = Assert.Single(await Store.ClaimAsync(q, JobStates.Downloading, 1, "w", CancellationToken.None));
        await Store.SaveProgressAsync(job, "w", new JobProgress(60, 6, 10, null, null), CancellationToken.None);
        await Store.SaveProgressAsync(job, "w", new JobProgress(30, 3, 10, null, null), CancellationToken.None);
        Assert.Equal(60, (await Queue.GetAsync(job.Id, CancellationToken.None)).Progress);
    }

    [Fact]
    public async Task Cancel_QueuedJob_IsImmediate_RunningJob_IsFlagged()
    {
        var q = NewQueue();
        var waiting = await Queue.EnqueueAsync(new NewJob("import", q, "api"), CancellationToken.None);
        Assert.Equal(JobStates.Cancelled, (await Queue.CancelAsync(waiting.Id, "changed my mind", CancellationToken.None)).State);

        await Queue.EnqueueAsync(new NewJob("import", q, "api"), CancellationToken.None);
        var running = Assert.Single(await Store.ClaimAsync(q, JobStates.Downloading, 1, "w", CancellationToken.None));
        var flagged = await Queue.CancelAsync(running.Id, "stop", CancellationToken.None);
        Assert.Equal(JobStates.Downloading, flagged.State);
        Assert.True(flagged.CancelRequested);
        Assert.True(await Store.RenewLeaseAsync(running, "w", CancellationToken.None)); // the heartbeat sees it

        await Assert.ThrowsAsync<HubConflictException>(() => Queue.CancelAsync(waiting.Id, "again", CancellationToken.None));
    }

    [Fact]
    public async Task Retry_FailedJob_GoesBackToQueue_OthersAreRefused()
    {
        var q = NewQueue();
        var job = await Queue.EnqueueAsync(new NewJob("import", q, "api"), CancellationToken.None);
        var claimed = Assert.Single(await Store.ClaimAsync(q, JobStates.Downloading, 1, "w", CancellationToken.None));
        await Store.TransitionAsync(claimed, "w", JobStates.Failed, "boom", error: ("http-404", "not found"), countFailure: true);

        var retried = await Queue.RetryAsync(job.Id, null, CancellationToken.None);
        Assert.Equal(JobStates.Queued, retried.State);
        Assert.Equal(0, retried.Failures);
        Assert.Null(retried.Error);
        await Assert.ThrowsAsync<HubConflictException>(() => Queue.RetryAsync(job.Id, null, CancellationToken.None));
    }

    [Fact]
    public async Task List_IsNewestActivityFirst_WithStableKeysetPages()
    {
        var q = NewQueue();
        var created = await Queue.EnqueueManyAsync(Enumerable.Range(0, 7).Select(_ => new NewJob("listing", q, "cli")).ToList(), CancellationToken.None);
        var seen = new List<Guid>();
        (DateTimeOffset, Guid)? cursor = null;
        while (true)
        {
            var page = await Queue.ListAsync(new JobFilter { Kind = "listing", Limit = 3, Before = cursor }, CancellationToken.None);
            if (page.Count == 0) break;
            seen.AddRange(page.Select(j => j.Id));
            cursor = (page[^1].UpdatedAt, page[^1].Id);
        }
        Assert.Equal(created.Select(j => j.Id).Order(), seen.Order());
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task CompleteWithFollowUps_CommitsThemWithTheCompletion_OrNotAtAll()
    {
        var q = NewQueue();
        var next = NewQueue();
        var job = await Queue.EnqueueAsync(new NewJob("import", q, "api"), CancellationToken.None);
        var claimed = Assert.Single(await Store.ClaimAsync(q, JobStates.Processing, 1, "w1", CancellationToken.None));
        NewJob FollowUp(string key) => new("noop", next, "api") { IdempotencyKey = key + Guid.NewGuid().ToString("N") };

        // A worker that lost the lease completes nothing and asks for nothing.
        await Assert.ThrowsAsync<JobLeaseLostException>(() =>
            Store.CompleteAsync(claimed, "not-the-owner", null, null, "late", null, [FollowUp("lost:")], CancellationToken.None));
        // A follow-up that cannot be written (its parent does not exist) takes the completion back with it.
        var refused = await Assert.ThrowsAsync<PostgresException>(() => Store.CompleteAsync(claimed, "w1", null, null, "done", null,
            [new NewJob("noop", next, "api") { ParentId = Guid.NewGuid() }], CancellationToken.None));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, refused.SqlState);
        Assert.Equal(JobStates.Processing, (await Queue.GetAsync(job.Id, CancellationToken.None)).State);
        Assert.Empty(await JobsInAsync(next));

        var done = await Store.CompleteAsync(claimed, "w1", null, null, "done", null, [FollowUp("next:")], CancellationToken.None);

        Assert.Equal(JobStates.Completed, done.State);
        var follow = Assert.Single(await JobsInAsync(next));
        Assert.Equal(JobStates.Queued, follow.State);
        Assert.StartsWith("next:", follow.IdempotencyKey);
        Assert.Single(await Store.ClaimAsync(next, JobStates.Processing, 5, "w2", CancellationToken.None));
    }

    [Fact]
    public async Task EnqueueMany_WithIdempotencyKeys_CreatesEachKeyOnce_AndAnswersInOrder()
    {
        var q = NewQueue();
        var key = "k:" + Guid.NewGuid().ToString("N");
        var existing = await Queue.EnqueueAsync(new NewJob("noop", q, "api") { IdempotencyKey = key + "a" }, CancellationToken.None);

        var jobs = await Queue.EnqueueManyAsync([
            new NewJob("noop", q, "api") { IdempotencyKey = key + "b", Title = "first b" },
            new NewJob("noop", q, "api") { IdempotencyKey = key + "a", Title = "a again" },
            new NewJob("noop", q, "api") { Title = "no key" },
            new NewJob("noop", q, "api") { IdempotencyKey = key + "b", Title = "second b" },
        ], CancellationToken.None);

        Assert.Equal(existing.Id, jobs[1].Id);
        Assert.Equal("first b", jobs[0].Title);
        Assert.Equal(jobs[0].Id, jobs[3].Id);
        Assert.Equal("no key", jobs[2].Title);
        Assert.Equal(3, (await JobsInAsync(q)).Count);
        foreach (var job in jobs.DistinctBy(j => j.Id))
        {
            var created = Assert.Single(await Queue.EventsAsync(job.Id, CancellationToken.None));
            Assert.Equal((null, "queued", "created"), (created.FromState, created.ToState, created.Message));
        }
    }

    [Fact]
    public async Task ConcurrentCompletions_AreEachFenced_AndOneFailingDoesNotTakeTheOthers()
    {
        var q = NewQueue();
        await Queue.EnqueueManyAsync(Enumerable.Range(0, 40).Select(_ => new NewJob("noop", q, "cli")).ToList(), CancellationToken.None);
        var claimed = await Store.ClaimAsync(q, JobStates.Processing, 40, "w1", CancellationToken.None);
        Assert.Equal(40, claimed.Count);
        var stale = claimed[0];
        var badEntry = claimed[1];

        // All at once, so they are written in groups: a stale owner and an entry that does not exist among them.
        var attempts = claimed.Select(j => j == stale
                ? Store.CompleteAsync(j, "not-the-owner", null, null, "late", null, CancellationToken.None)
                : Store.CompleteAsync(j, "w1", j == badEntry ? Guid.NewGuid() : null, new { n = j.Id }, "done " + j.Id, null, CancellationToken.None))
            .ToList();
        await Assert.ThrowsAsync<JobLeaseLostException>(() => attempts[0]);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => attempts[1]);
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, refused.SqlState);

        foreach (var (job, attempt) in claimed.Zip(attempts).Skip(2))
        {
            var done = await attempt;
            Assert.Equal((job.Id, JobStates.Completed, 100d), (done.Id, done.State, done.Progress));
            Assert.Null(done.LeaseOwner);
            Assert.Contains(job.Id.ToString(), done.Result!.RootElement.GetRawText());
            var finished = (await Queue.EventsAsync(job.Id, CancellationToken.None))[^1];
            Assert.Equal((JobStates.Processing, JobStates.Completed, "done " + job.Id), (finished.FromState, finished.ToState, finished.Message));
            Assert.Contains(job.Id.ToString(), finished.Payload!.RootElement.GetRawText());
        }
        foreach (var left in new[] { stale, badEntry })
        {
            var now = await Queue.GetAsync(left.Id, CancellationToken.None);
            Assert.Equal((JobStates.Processing, "w1"), (now.State, now.LeaseOwner));
            Assert.Equal(2, (await Queue.EventsAsync(left.Id, CancellationToken.None)).Count);
        }
    }

    private async Task<List<Job>> JobsInAsync(string queue)
    {
        await using var ctx = db.CreateDb();
        return await ctx.Jobs.AsNoTracking().Where(j => j.Queue == queue).ToListAsync();
    }

    private async Task ExpireLeaseAsync(Guid id)
    {
        await using var ctx = db.CreateDb();
        await ctx.Database.ExecuteSqlInterpolatedAsync($"UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE id = {id}");
    }
}
