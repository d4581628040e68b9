using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Domain.Jobs;
using Hub.Domain.Storage;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;

namespace Hub.Web.Tests.Jobs;

/// <summary><c>POST /jobs/delete</c>: finished job records go (with their events), what they imported stays, running ones are never touched.</summary>
public sealed class JobDeleteApiTests(PipelineAppFactory app) : IClassFixture<PipelineAppFactory>
{
    [Fact]
    public async Task Delete_ByIds_RemovesTheJobsAndTheirEvents_ButNotTheEntryOrItsFile()
    {
        var (admin, _) = await app.CallerAsync("admin");
        var site = await app.SiteAsync();
        site.MapFile("delete-me.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "delete-me"), "video/mp4").MapStatus("delete-gone.mp4", 404);
        var completed = await ImportAsync(admin, site.Url("delete-me.mp4"));
        var failed = await ImportAsync(admin, site.Url("delete-gone.mp4"));
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        var entryId = completed.GetProperty("entryId").GetGuid();
        var missing = Guid.NewGuid();

        var response = await admin.PostAsJsonAsync("/api/v1/jobs/delete", new { ids = new[] { Id(completed), Id(failed), missing } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(new[] { Id(completed), Id(failed) }.Order(), result.GetProperty("deleted").EnumerateArray().Select(e => e.GetGuid()).Order());
        Assert.Equal([missing], result.GetProperty("missing").EnumerateArray().Select(e => e.GetGuid()).ToArray());
        Assert.Empty(result.GetProperty("active").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/jobs/{Id(completed)}")).StatusCode);
        await using var db = await app.Get<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        Assert.False(await db.JobEvents.AnyAsync(e => e.JobId == Id(completed) || e.JobId == Id(failed)));
        var entry = await db.Entries.SingleAsync(e => e.Id == entryId);
        Assert.True(File.Exists(entry.FilePath), entry.FilePath);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/entries/{entryId}")).StatusCode);
    }

    [Fact]
    public async Task Delete_ByIds_WithOneStillRunning_Is409_AndDeletesNothing()
    {
        var (admin, key) = await app.CallerAsync("admin");
        var queue = app.Get<JobQueue>();
        var active = await app.ParkedJobAsync(key);
        var cancelled = await queue.CancelAsync((await app.ParkedJobAsync(key)).Id, "test", CancellationToken.None);
        // A finished parent whose child still runs counts as running: deleting it would take the child with it.
        var parent = await queue.CancelAsync((await app.ParkedJobAsync(key)).Id, "test", CancellationToken.None);
        await queue.EnqueueAsync(new NewJob("parked", "nobody-claims-this", "api") { RequestedBy = key, ParentId = parent.Id }, CancellationToken.None);

        foreach (var ids in new[] { new[] { active.Id, cancelled.Id }, new[] { parent.Id } })
        {
            var problem = await ProblemAssert.IsAsync(await admin.PostAsJsonAsync("/api/v1/jobs/delete", new { ids }), 409, "job-active");
            Assert.Contains(ids[0].ToString(), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        foreach (var id in new[] { active.Id, cancelled.Id, parent.Id })
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/jobs/{id}")).StatusCode);
        }
    }

    [Fact]
    public async Task Delete_ByStates_TakesEveryFinishedOne_SkipsRunningFamilies_AndHubsOwnUnlessAsked()
    {
        var (admin, key) = await app.CallerAsync("admin");
        var queue = app.Get<JobQueue>();
        var cancelled = await queue.CancelAsync((await app.ParkedJobAsync(key)).Id, "test", CancellationToken.None);
        var parent = await queue.CancelAsync((await app.ParkedJobAsync(key)).Id, "test", CancellationToken.None);
        await queue.EnqueueAsync(new NewJob("parked", "nobody-claims-this", "api") { RequestedBy = key, ParentId = parent.Id }, CancellationToken.None);
        var queued = await app.ParkedJobAsync(key);
        // Hub's own (a maintenance job, cancelled from review so no worker ever runs it).
        var system = await queue.EnqueueAsync(new NewJob("parked", JobQueues.Maintenance, "api") { State = JobStates.AwaitingReview }, CancellationToken.None);
        await queue.CancelAsync(system.Id, "test", CancellationToken.None);

        var result = await (await admin.PostAsJsonAsync("/api/v1/jobs/delete", new { states = new[] { "completed", "failed", "Cancelled" } }))
            .Content.ReadFromJsonAsync<JsonElement>();

        var deleted = result.GetProperty("deleted").EnumerateArray().Select(e => e.GetGuid()).ToList();
        Assert.Contains(cancelled.Id, deleted);
        Assert.DoesNotContain(parent.Id, deleted);
        Assert.DoesNotContain(system.Id, deleted);
        Assert.Contains(parent.Id, result.GetProperty("active").EnumerateArray().Select(e => e.GetGuid()));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/jobs/{queued.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/jobs/{system.Id}")).StatusCode);

        var withSystem = await (await admin.PostAsJsonAsync("/api/v1/jobs/delete", new { states = new[] { "cancelled" }, system = true }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(system.Id, withSystem.GetProperty("deleted").EnumerateArray().Select(e => e.GetGuid()));
    }

    [Theory]
    [InlineData("""{}""", "ids")]
    [InlineData("""{"ids":[],"states":[]}""", "ids")]
    [InlineData("""{"ids":["00000000-0000-0000-0000-000000000001"],"states":["failed"]}""", "ids")]
    [InlineData("""{"states":["queued"]}""", "states")]
    [InlineData("""{"states":["failed","downloading"]}""", "states")]
    public async Task Delete_Invalid_Is400NamingTheField(string json, string field)
    {
        var (admin, _) = await app.CallerAsync("admin");
        var response = await admin.PostAsync("/api/v1/jobs/delete", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await ProblemAssert.IsAsync(response, 400, "validation", field);
    }

    [Fact]
    public async Task Delete_ByAUser_Is403_AndDeletesNothing()
    {
        var (user, key) = await app.CallerAsync("user");
        var cancelled = await app.Get<JobQueue>().CancelAsync((await app.ParkedJobAsync(key)).Id, "test", CancellationToken.None);
        var response = await user.PostAsJsonAsync("/api/v1/jobs/delete", new { ids = new[] { cancelled.Id } });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync($"/api/v1/jobs/{cancelled.Id}")).StatusCode);
    }

    private static Guid Id(JsonElement job) => job.GetProperty("id").GetGuid();

    private static async Task<JsonElement> ImportAsync(HttpClient client, Uri url)
    {
        var job = await (await client.PostAsJsonAsync("/api/v1/imports", new { url = url.AbsoluteUri })).Content.ReadFromJsonAsync<JsonElement>();
        return await PipelineAppFactory.WaitAsync(client, Id(job));
    }
}
