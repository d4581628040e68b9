using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Domain.Jobs;

namespace Hub.Web.Tests.Jobs;

public sealed class JobsApiTests(PipelineAppFactory app) : IClassFixture<PipelineAppFactory>
{
    [Fact]
    public async Task Pages_AreStable_WhileNewJobsArrive()
    {
        var (client, key) = await app.CallerAsync("user");
        var original = new List<Guid>();
        for (var i = 0; i < 60; i++)
        {
            original.Add((await app.ParkedJobAsync(key, kind: "pagination")).Id);
        }

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/jobs?kind=pagination&limit=25{(cursor is null ? "" : "&cursor=" + cursor)}");
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 1, 25);
            seen.AddRange(items.Select(j => j.GetProperty("id").GetGuid()));
            // Newest activity first within the page.
            var times = items.Select(j => j.GetProperty("updatedAt").GetDateTimeOffset()).ToList();
            Assert.Equal(times.OrderByDescending(t => t), times);
            // New jobs arrive between pages: they sort before the cursor, so they never shift later pages.
            await app.ParkedJobAsync(key, kind: "pagination");
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(original.OrderBy(g => g), seen.OrderBy(g => g));
    }

    [Fact]
    public async Task Pages_MergeFinishedAndUnfinishedJobs_InActivityOrder()
    {
        // The list reads finished and unfinished jobs through separate indexes and merges them: interleaved in time,
        // every job comes exactly once, newest activity first across page boundaries.
        var (client, key) = await app.CallerAsync("user");
        var all = new HashSet<Guid>();
        for (var i = 0; i < 30; i++)
        {
            var job = await app.ParkedJobAsync(key, kind: "merge");
            all.Add(job.Id);
            if (i % 2 == 1)
            {
                await app.Get<JobQueue>().CancelAsync(job.Id, "test", CancellationToken.None);
            }
        }

        var seen = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/jobs?kind=merge&limit=7{(cursor is null ? "" : "&cursor=" + cursor)}");
            seen.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        var ids = seen.Select(j => j.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(all.OrderBy(g => g), ids.OrderBy(g => g));
        var times = seen.Select(j => j.GetProperty("updatedAt").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
        var states = seen.Select(j => j.GetProperty("state").GetString()).ToList();
        Assert.Equal(15, states.Count(s => s == JobStates.Cancelled));
        Assert.Equal(15, states.Count(s => s == JobStates.Queued));
        // Interleaved, as they were made: no run of more than one of each state.
        Assert.All(states.Zip(states.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
    }

    [Fact]
    public async Task Filters_ByState_Kind_Door_AndComma_Lists()
    {
        var (client, key) = await app.CallerAsync("user");
        var a = await app.ParkedJobAsync(key, kind: "filter-a", door: "web");
        var b = await app.ParkedJobAsync(key, kind: "filter-b", door: "extension");
        await app.Get<JobQueue>().CancelAsync(b.Id, "test", CancellationToken.None);

        async Task<Guid[]> Ids(string query) => (await client.GetFromJsonAsync<JsonElement>("/api/v1/jobs?" + query))
            .GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetGuid()).ToArray();

        Assert.Equal([a.Id], await Ids("kind=filter-a"));
        Assert.Equal([b.Id], await Ids("state=cancelled"));
        Assert.Equal([b.Id], await Ids("door=extension"));
        Assert.Equal([b.Id, a.Id], (await Ids("state=queued,cancelled")).Where(id => id == a.Id || id == b.Id).ToArray());
        Assert.Equal([b.Id, a.Id], (await Ids("state=queued&state=cancelled")).Where(id => id == a.Id || id == b.Id).ToArray());
        var failed = await Ids("state=failed");
        Assert.DoesNotContain(a.Id, failed);
        Assert.DoesNotContain(b.Id, failed);
    }

    [Fact]
    public async Task SystemJobs_AreHiddenUnlessAskedFor()
    {
        var (client, key) = await app.CallerAsync("user");
        var mine = await app.ParkedJobAsync(key, kind: "system-filter");
        var scan = await app.Get<JobQueue>().EnqueueAsync(
            new NewJob("system-filter", "scan", "api") { RequestedBy = key, Title = "scan of a library" }, CancellationToken.None);

        async Task<Guid[]> Ids(string query) => (await client.GetFromJsonAsync<JsonElement>("/api/v1/jobs?kind=system-filter" + query))
            .GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetGuid()).ToArray();

        Assert.Equal([mine.Id], await Ids(""));
        Assert.Equal([mine.Id], await Ids("&system=false"));
        Assert.Equal([scan.Id, mine.Id], await Ids("&system=true"));
    }

    [Fact]
    public async Task Text_MatchesEveryWord_InTitleOrSource_Literally()
    {
        var (client, key) = await app.CallerAsync("user");
        var queue = app.Get<JobQueue>();
        async Task<Job> Make(string title, string source) => await queue.EnqueueAsync(
            new NewJob("text-filter", "nobody-claims-this", "api") { RequestedBy = key, Title = title, Source = source }, CancellationToken.None);
        var cats = await Make("Funny Cats compilation", "https://example.test/a");
        var dogs = await Make("Dogs at 100% speed", "https://videos.example.test/dogs_1");

        async Task<Guid[]> Ids(string q) => (await client.GetFromJsonAsync<JsonElement>("/api/v1/jobs?kind=text-filter&q=" + Uri.EscapeDataString(q)))
            .GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetGuid()).ToArray();

        Assert.Equal([cats.Id], await Ids("cats"));
        Assert.Equal([cats.Id], await Ids("funny COMP"));
        Assert.Empty(await Ids("funny dogs"));
        Assert.Equal([dogs.Id], await Ids("videos.example"));
        Assert.Equal([dogs.Id], await Ids("100%"));
        Assert.Empty(await Ids("0%s"));
        Assert.Equal([dogs.Id], await Ids("dogs_1"));
        Assert.Empty(await Ids("a_"));
    }

    [Theory]
    [InlineData("state=done", "state")]
    [InlineData("door=telegram", "door")]
    [InlineData("library=nope", "library")]
    [InlineData("parent=123", "parent")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("system=sometimes", "system")]
    public async Task List_BadFilter_Is400NamingTheField(string query, string field)
    {
        var (client, _) = await app.CallerAsync("user");
        await ProblemAssert.IsAsync(await client.GetAsync("/api/v1/jobs?" + query), 400, "validation", field);
    }

    [Fact]
    public async Task User_SeesOnlyOwnJobs_AndOthersAre404_ButAdminSeesAll()
    {
        var (alice, aliceKey) = await app.CallerAsync("user");
        var (bob, _) = await app.CallerAsync("user");
        var (admin, _) = await app.CallerAsync("admin");
        var job = await app.ParkedJobAsync(aliceKey, kind: "private");

        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/api/v1/jobs/{job.Id}")).StatusCode);
        await ProblemAssert.IsAsync(await bob.GetAsync($"/api/v1/jobs/{job.Id}"), 404, "not-found");
        await ProblemAssert.IsAsync(await bob.GetAsync($"/api/v1/jobs/{job.Id}/events"), 404, "not-found");
        await ProblemAssert.IsAsync(await bob.PostAsync($"/api/v1/jobs/{job.Id}/cancel", null), 404, "not-found");
        await ProblemAssert.IsAsync(await bob.PostAsync($"/api/v1/jobs/{job.Id}/retry", null), 404, "not-found");
        await ProblemAssert.IsAsync(await bob.GetAsync($"/api/v1/jobs/{job.Id}/stream"), 404, "not-found");
        Assert.Empty((await bob.GetFromJsonAsync<JsonElement>("/api/v1/jobs?kind=private")).GetProperty("items").EnumerateArray());
        Assert.Single((await admin.GetFromJsonAsync<JsonElement>("/api/v1/jobs?kind=private")).GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/jobs/{job.Id}")).StatusCode);
        await ProblemAssert.IsAsync(await admin.GetAsync($"/api/v1/jobs/{Guid.NewGuid()}"), 404, "not-found");
    }

    [Fact]
    public async Task Cancel_ThenCancelAgain409_ThenRetry_ThenRetryAgain409_WithEvents()
    {
        var (client, key) = await app.CallerAsync("user");
        var job = await app.ParkedJobAsync(key);

        var cancel = await client.PostAsync($"/api/v1/jobs/{job.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("cancelled", (await cancel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        await ProblemAssert.IsAsync(await client.PostAsync($"/api/v1/jobs/{job.Id}/cancel", null), 409, "job-finished");

        var retry = await client.PostAsync($"/api/v1/jobs/{job.Id}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal("queued", (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        await ProblemAssert.IsAsync(await client.PostAsync($"/api/v1/jobs/{job.Id}/retry", null), 409, "job-not-retryable");

        var events = await client.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{job.Id}/events");
        Assert.Equal(["queued", "cancelled", "queued"], events.EnumerateArray().Select(e => e.GetProperty("toState").GetString()!).ToArray());
        Assert.Contains("cancelled by", events[1].GetProperty("message").GetString());
    }

    [Fact]
    public async Task Cancel_OfARunningImport_Is202_AndItEndsCancelled()
    {
        var (client, _) = await app.CallerAsync("user");
        var site = await app.SiteAsync();
        site.Map("slow.mp4", async ctx =>
        {
            ctx.Response.ContentType = "video/mp4";
            ctx.Response.ContentLength = 4 * 1024 * 1024;
            if (ctx.Request.Method == "HEAD") return;
            var buffer = new byte[16 * 1024];
            for (var sent = 0; sent < 4 * 1024 * 1024; sent += buffer.Length)
            {
                await ctx.Response.Body.WriteAsync(buffer, ctx.RequestAborted);
                await Task.Delay(50, ctx.RequestAborted);
            }
        });
        var created = await (await client.PostAsJsonAsync("/api/v1/imports", new { url = site.Url("slow.mp4").AbsoluteUri })).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetGuid();
        await PipelineAppFactory.WaitAsync(client, id, "downloading");

        var cancel = await client.PostAsync($"/api/v1/jobs/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.True((await cancel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cancelRequested").GetBoolean());
        Assert.Equal("cancelled", (await PipelineAppFactory.WaitAsync(client, id)).GetProperty("state").GetString());
    }
}
