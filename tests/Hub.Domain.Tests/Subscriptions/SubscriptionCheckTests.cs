using Hub.Domain.Jobs;
using Hub.Domain.Subscriptions;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Tests.Subscriptions;

public sealed class SubscriptionCheckTests(SubscriptionFixture fx) : IClassFixture<SubscriptionFixture>
{
    private static readonly DateTimeOffset Nov = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RssFeed_FirstCheckRemembers_NewItemsBetweenChecksAreImportedOnce()
    {
        var e1 = await fx.EpisodeAsync("a/ep1.mp4");
        var e2 = await fx.EpisodeAsync("a/ep2.mp4");
        fx.ServeFeed("a/feed.xml", ("Episode 2", e2, Nov.AddDays(2)), ("Episode 1", e1, Nov.AddDays(1)));
        var sub = await fx.SubscribeAsync("a/feed.xml");

        var first = await fx.CheckAsync(sub);
        Assert.Null(first.Error);
        Assert.Equal((2, 0, 2), (first.New, first.Imported, first.Baseline));
        Assert.Empty(await fx.ImportsOfAsync(sub));

        var e3 = await fx.EpisodeAsync("a/ep3.mp4");
        fx.ServeFeed("a/feed.xml", ("Episode 3", e3, Nov.AddDays(3)), ("Episode 2", e2, Nov.AddDays(2)), ("Episode 1", e1, Nov.AddDays(1)));
        var second = await fx.CheckAsync(sub);
        Assert.Equal((1, 1), (second.New, second.Imported));
        var job = Assert.Single(await fx.ImportsOfAsync(sub));
        Assert.Equal(fx.Site.Url(e3).AbsoluteUri, job.Source);
        Assert.Equal(SubscriptionFixture.Alice.Key, job.RequestedBy); // the import is the subscriber's
        var done = await fx.WaitAsync(job.Id);
        Assert.True(done.State == JobStates.Completed, done.Error);
        Assert.Equal("Episode 3", (await fx.EntryAsync(done.EntryId!.Value)).Title);
        Assert.Equal("Episode 3", done.Title); // the job, as every door shows it, has the feed's name too (not ep3.mp4)

        var third = await fx.CheckAsync(sub);
        Assert.Equal((3, 0), (third.Listed, third.New));
        var saved = await fx.ReloadAsync(sub);
        Assert.Equal((3, 3, 1, 0), (saved.Checks, saved.ItemsFound, saved.ItemsImported, saved.ItemsSkipped));
        Assert.Equal(SourceKinds.Feed, saved.SourceKind);
        Assert.Equal("Loopback Feed", saved.Name); // named after the feed when no name was given
        Assert.True(saved.NextCheckAt > saved.LastCheckAt);
        Assert.Null(saved.LastError);
    }

    [Fact]
    public async Task AnItemHubNeverFetches_IsSkippedForGood_AndTheRestOfTheFeedGoesOn()
    {
        var good = await fx.EpisodeAsync("blocked/good.mp4");
        var sub = await fx.SubscribeAsync("blocked/feed.xml", new StartInput("last", Count: 5));
        // 0.0.0.0 is never fetched: refused by the address classifier before any connection (no packet is sent).
        fx.ServeFeed("blocked/feed.xml", ("Good", good, Nov.AddDays(2)), ("Nowhere", "http://0.0.0.0:9/nowhere.mp4", Nov.AddDays(1)));

        var first = await fx.CheckAsync(sub);
        Assert.Null(first.Error);
        var job = Assert.Single(await fx.ImportsOfAsync(sub));
        Assert.Equal(fx.Site.Url(good).AbsoluteUri, job.Source);
        var saved = await fx.ReloadAsync(sub);
        Assert.Equal(1, saved.Checks);
        Assert.Null(saved.LastError);
        Assert.True(saved.NextCheckAt > saved.LastCheckAt);

        // The refused item is remembered as such: the next check neither retries it nor fails on it.
        var second = await fx.CheckAsync(sub);
        Assert.Null(second.Error);
        Assert.Single(await fx.ImportsOfAsync(sub));
        Assert.Equal(2, (await fx.ReloadAsync(sub)).Checks);
    }

    [Fact]
    public async Task StartLast_TakesTheNewestN_CappedPerCheck_TheRestNextCheck()
    {
        var files = new List<string>();
        for (var i = 1; i <= 4; i++) files.Add(await fx.EpisodeAsync($"b/ep{i}.mp4"));
        fx.ServeFeed("b/feed.xml", [.. Enumerable.Range(0, 4).Reverse().Select(i => ($"B{i + 1}", files[i], Nov.AddDays(i)))]);
        var sub = await fx.SubscribeAsync("b/feed.xml", new StartInput("last", Count: 3), cap: 2);

        var first = await fx.CheckAsync(sub);
        Assert.Equal((2, 1), (first.Imported, first.Baseline)); // B4, B3 imported; B1 remembered; B2 over the cap
        var second = await fx.CheckAsync(sub);
        Assert.Equal(1, second.Imported); // B2
        var third = await fx.CheckAsync(sub);
        Assert.Equal(0, third.New);
        var sources = (await fx.ImportsOfAsync(sub)).Select(j => j.Source).ToList();
        string Url(int i) => fx.Site.Url(files[i - 1]).AbsoluteUri;
        Assert.Equal([Url(3), Url(4)], sources.Take(2).Order()); // one check's jobs share a creation time
        Assert.Equal(Url(2), sources[2]);
    }

    [Fact]
    public async Task StartDate_ImportsOnlyWhatWasPublishedSince_AndFiltersCountAsSkipped()
    {
        var old = await fx.EpisodeAsync("c/old.mp4");
        var recent = await fx.EpisodeAsync("c/recent.mp4");
        var trailer = await fx.EpisodeAsync("c/trailer.mp4");
        fx.ServeFeed("c/feed.xml", ("Trailer for next week", trailer, Nov.AddDays(20)), ("Recent", recent, Nov.AddDays(10)), ("Old", old, Nov));
        var sub = await fx.SubscribeAsync("c/feed.xml", new StartInput("date", Date: Nov.AddDays(5)),
            filters: new SubscriptionFilters { Exclude = ["trailer"] });

        var first = await fx.CheckAsync(sub);

        Assert.Equal((3, 1, 1, 1), (first.New, first.Imported, first.Skipped, first.Baseline));
        Assert.Equal([fx.Site.Url(recent).AbsoluteUri], (await fx.ImportsOfAsync(sub)).Select(j => j.Source));
        Assert.Equal(1, (await fx.ReloadAsync(sub)).ItemsSkipped);
    }

    [Fact]
    public async Task ConcurrentChecks_ImportEachItemOnce()
    {
        var files = new List<string>();
        for (var i = 1; i <= 5; i++) files.Add(await fx.EpisodeAsync($"d/ep{i}.mp4"));
        fx.ServeFeed("d/feed.xml", [.. Enumerable.Range(0, 5).Select(i => ($"D{i}", files[i], Nov.AddDays(-i)))]);
        var sub = await fx.SubscribeAsync("d/feed.xml", new StartInput("last", Count: 5));

        // Four checkers at once, as several worker processes (or a tick and "check now") would run them.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => fx.CheckAsync(sub))));

        Assert.Equal(5, outcomes.Sum(o => o.Imported));
        var jobs = await fx.ImportsOfAsync(sub);
        Assert.Equal(5, jobs.Count);
        await using var db = fx.CreateDb();
        var sources = files.Select(f => fx.Site.Url(f).AbsoluteUri).ToList();
        Assert.Equal(5, await db.Jobs.CountAsync(j => j.Kind == "import" && sources.Contains(j.Source!)));
        Assert.Equal(5, (await fx.ReloadAsync(sub)).ItemsImported);
    }

    [Fact]
    public async Task FailingSource_BacksOffAndSaysWhy_ThenRecovers()
    {
        fx.Site.MapStatus("e/feed.xml", 500);
        var sub = await fx.SubscribeAsync("e/feed.xml");

        var before = DateTimeOffset.UtcNow;
        var first = await fx.CheckAsync(sub);
        Assert.Contains("500", first.Error);
        var saved = await fx.ReloadAsync(sub);
        Assert.Equal(1, saved.ConsecutiveFailures);
        Assert.Contains("500", saved.LastError);
        // Twice the interval after one failure, four times after two.
        Assert.InRange(saved.NextCheckAt, before.AddMinutes(2 * saved.IntervalMinutes), DateTimeOffset.UtcNow.AddMinutes(2 * saved.IntervalMinutes));
        await fx.CheckAsync(sub);
        saved = await fx.ReloadAsync(sub);
        Assert.Equal(2, saved.ConsecutiveFailures);
        Assert.True(saved.NextCheckAt >= before.AddMinutes(4 * saved.IntervalMinutes));

        fx.ServeFeed("e/feed.xml", ("E1", await fx.EpisodeAsync("e/ep1.mp4"), Nov));
        var ok = await fx.CheckAsync(sub);
        Assert.Null(ok.Error);
        saved = await fx.ReloadAsync(sub);
        Assert.Equal(0, saved.ConsecutiveFailures);
        Assert.Null(saved.LastError);
        Assert.Equal(0, saved.ItemsImported); // the first successful check starts "now"
    }

    [Fact]
    public async Task CheckJob_FailsWithTheSourceError_WithoutRetries()
    {
        fx.Site.MapStatus("f/feed.xml", 404);
        var sub = await fx.SubscribeAsync("f/feed.xml");

        var job = await fx.Get<SubscriptionService>().CheckNowAsync(SubscriptionFixture.Alice, sub.Id, CancellationToken.None);
        var again = await fx.Get<SubscriptionService>().CheckNowAsync(SubscriptionFixture.Alice, sub.Id, CancellationToken.None);
        Assert.Equal(job.Id, again.Id); // one "check now" per minute, however often it is asked
        var done = await fx.WaitAsync(job.Id);

        Assert.Equal(JobStates.Failed, done.State);
        Assert.Contains("404", done.Error);
        Assert.Equal(1, done.Attempt);
        Assert.Equal(1, (await fx.ReloadAsync(sub)).ConsecutiveFailures);
    }

    [Fact]
    public async Task YtDlpExpandedPage_NewVideosBecomeImports()
    {
        var v1 = await fx.EpisodeAsync("g/v1.mp4");
        var v2 = await fx.EpisodeAsync("g/v2.mp4");
        fx.Site.MapText("g/channel.html", $"""<html><head><meta property="og:title" content="Loopback Channel"></head><body><video src="v1.mp4"></video><video src="v2.mp4"></video></body></html>""");
        var sub = await fx.SubscribeAsync("g/channel.html");

        var first = await fx.CheckAsync(sub);
        Assert.True(first.Error is null, first.Error);
        Assert.Equal((2, 2, 0), (first.Listed, first.Baseline, first.Imported));
        Assert.Equal(SourceKinds.Playlist, (await fx.ReloadAsync(sub)).SourceKind);

        var v3 = await fx.EpisodeAsync("g/v3.mp4");
        fx.Site.MapText("g/channel.html", $"""<html><head><meta property="og:title" content="Loopback Channel"></head><body><video src="v1.mp4"></video><video src="v2.mp4"></video><video src="v3.mp4"></video></body></html>""");
        var second = await fx.CheckAsync(sub);

        Assert.True(second.Error is null, second.Error);
        Assert.Equal((3, 1, 1), (second.Listed, second.New, second.Imported));
        var job = Assert.Single(await fx.ImportsOfAsync(sub));
        var done = await fx.WaitAsync(job.Id);
        Assert.True(done.State == JobStates.Completed, done.Error);
    }

    [Fact]
    public async Task Scheduler_EnqueuesOneCheckPerDueSlot_SkipsPaused_AndTheCheckMovesTheDueTime()
    {
        fx.ServeFeed("h/feed.xml", ("H1", await fx.EpisodeAsync("h/ep1.mp4"), Nov));
        var due = await fx.SubscribeAsync("h/feed.xml");
        fx.ServeFeed("h/paused.xml", ("P1", await fx.EpisodeAsync("h/p1.mp4"), Nov));
        var paused = await fx.SubscribeAsync("h/paused.xml");
        await fx.Get<SubscriptionService>().UpdateAsync(SubscriptionFixture.Alice, paused.Id, new SubscriptionInput { Paused = true }, CancellationToken.None);

        // Two processes' ticks at once.
        var ticks = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => fx.Get<ScheduledSubscriptionChecks>().EnqueueDueAsync(CancellationToken.None))));

        var mine = ticks.Select(t => t.Where(j => j.Source == due.Url).ToList()).ToList();
        Assert.All(mine, m => Assert.Single(m));
        Assert.Equal(mine[0][0].Id, mine[1][0].Id);
        Assert.DoesNotContain(ticks.SelectMany(t => t), j => j.Source == paused.Url);
        var done = await fx.WaitAsync(mine[0][0].Id);
        Assert.True(done.State == JobStates.Completed, done.Error);
        var saved = await fx.ReloadAsync(due);
        Assert.Equal(1, saved.Checks);
        Assert.True(saved.NextCheckAt > DateTimeOffset.UtcNow.AddMinutes(saved.IntervalMinutes - 5));
        Assert.DoesNotContain(await fx.Get<ScheduledSubscriptionChecks>().EnqueueDueAsync(CancellationToken.None), j => j.Source == due.Url);
    }
}

public sealed class SubscriptionRetentionTests(SubscriptionFixture fx) : IClassFixture<SubscriptionFixture>
{
    [Fact]
    public async Task KeepLast_DeletesOlderEntriesItImported_WithFiles_NeverOthers()
    {
        var nov = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        // Imported by other means first: the feed lists it too, but it is not the subscription's.
        var mine1 = await fx.EpisodeAsync("r/ep1.mp4");
        var mine2 = await fx.EpisodeAsync("r/ep2.mp4");
        var other = await fx.EpisodeAsync("r/other.mp4");
        var otherJob = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url(other).AbsoluteUri)).Id);
        Assert.True(otherJob.State == JobStates.Completed, otherJob.Error);

        fx.ServeFeed("r/feed.xml", ("Other", other, nov.AddDays(3)), ("Ep2", mine2, nov.AddDays(2)), ("Ep1", mine1, nov.AddDays(1)));
        var sub = await fx.SubscribeAsync("r/feed.xml", new StartInput("last", Count: 3), retention: new RetentionInput(KeepLast: 1));
        var first = await fx.CheckAsync(sub);
        Assert.Equal((2, 1), (first.Imported, first.Skipped)); // "Other" is already in the library
        var jobs = await fx.ImportsOfAsync(sub);
        var entries = new List<Guid>();
        foreach (var j in jobs)
        {
            var done = await fx.WaitAsync(j.Id);
            Assert.True(done.State == JobStates.Completed, done.Error);
            entries.Add(done.EntryId!.Value);
        }
        var files = new List<string>();
        foreach (var id in entries) files.Add((await fx.EntryAsync(id)).FilePath);
        // Make the order of creation certain: ep1's entry is the older one.
        await using (var db = fx.CreateDb())
        {
            var ep1Entry = jobs.Single(j => j.Source == fx.Site.Url(mine1).AbsoluteUri);
            var id = (await fx.WaitAsync(ep1Entry.Id)).EntryId!.Value;
            await db.Database.ExecuteSqlAsync($"UPDATE entries SET created_at = created_at - interval '1 day' WHERE id = {id}");
        }

        var second = await fx.CheckAsync(sub);

        Assert.Equal(1, second.Removed);
        await using var check = fx.CreateDb();
        var left = await check.Entries.AsNoTracking().Where(e => entries.Contains(e.Id) || e.Id == otherJob.EntryId).Select(e => e.Title).ToListAsync();
        Assert.Equal(2, left.Count);
        Assert.Contains(left, t => t == "Ep2");
        Assert.DoesNotContain("Ep1", left);
        Assert.Single(files, f => !File.Exists(f)); // the deleted entry's file went with it
    }
}

public sealed class SubscriptionEventTests(SubscriptionFixture fx) : IClassFixture<SubscriptionFixture>
{
    [Fact]
    public async Task NewItemsAndFailures_QueueWebhookDeliveries_ToTargetsAskingForThem()
    {
        var receiver = fx.Site.Url("hooks/receiver").AbsoluteUri;
        fx.Site.MapText("hooks/receiver", "ok", "text/plain");
        await fx.Get<Hub.Domain.Notifications.WebhookService>().CreateAsync(new Hub.Domain.Notifications.WebhookInput("subs", receiver,
            [Hub.Domain.Notifications.WebhookEvents.SubscriptionFound, Hub.Domain.Notifications.WebhookEvents.SubscriptionFailing], "ntfy", null, true), "test", CancellationToken.None);
        var nov = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        fx.ServeFeed("w/feed.xml", ("W1", await fx.EpisodeAsync("w/ep1.mp4"), nov));
        var sub = await fx.SubscribeAsync("w/feed.xml", new StartInput("last", Count: 1));

        Assert.Equal(1, (await fx.CheckAsync(sub)).Imported);
        fx.Site.MapStatus("w/feed.xml", 500);
        Assert.NotNull((await fx.CheckAsync(sub)).Error);

        await using var db = fx.CreateDb();
        var titles = await db.Jobs.AsNoTracking().Where(j => j.Kind == Hub.Domain.Notifications.WebhookDeliveryHandler.Kind).Select(j => j.Title).ToListAsync();
        Assert.Contains("subscription.found → subs", titles);
        Assert.Contains("subscription.failing → subs", titles);
        // Checks run outside the queue (as `hub subscriptions check` does) still name a check of their own, never an all-zero id.
        var requests = await db.Jobs.AsNoTracking().Where(j => j.Kind == Hub.Domain.Notifications.WebhookDeliveryHandler.Kind).ToListAsync();
        Assert.All(requests, j => Assert.DoesNotContain(Guid.Empty.ToString(), j.Request!.RootElement.GetRawText()));
        await Eventually.UntilAsync(() => Task.FromResult(fx.Site.Count("hooks/receiver") >= 2), "both deliveries received");
        // Named after the feed from the first check on (the subscription was made without a name).
        Assert.Contains(fx.Site.Requests, r => r.PathAndQuery == "/hooks/receiver" && r.Headers.TryGetValue("Title", out var t)
            && t.StartsWith("New: ", StringComparison.Ordinal) && t.Contains("Loopback Feed", StringComparison.Ordinal));
    }
}
