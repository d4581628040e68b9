using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Hub.Domain.Storage;

namespace Hub.Web.Tests.Imports;

public sealed class ImportsApiTests(PipelineAppFactory app) : IClassFixture<PipelineAppFactory>
{
    [Fact]
    public async Task Import_LoopbackMp4_Is202WithLocation_AndCompletesWithAnEntry()
    {
        var (client, key) = await app.CallerAsync("user");
        var site = await app.SiteAsync();

        var response = await client.PostAsJsonAsync("/api/v1/imports", new { url = site.Url("clip.mp4").AbsoluteUri });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = job.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/jobs/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("api", job.GetProperty("door").GetString());
        Assert.Equal(key, job.GetProperty("requestedBy").GetString());
        Assert.Equal("queued", job.GetProperty("state").GetString());

        var done = await PipelineAppFactory.WaitAsync(client, id);
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        Assert.Equal(100, done.GetProperty("progress").GetDouble());
        var entryId = done.GetProperty("entryId").GetGuid();
        Assert.Equal(entryId, done.GetProperty("result").GetProperty("entryId").GetGuid());
        Assert.NotEqual(JsonValueKind.Null, done.GetProperty("finishedAt").ValueKind);
        await using var db = await app.Get<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        Assert.True(await db.Entries.AnyAsync(e => e.Id == entryId));
    }

    [Theory]
    [InlineData("web")]
    [InlineData("extension")]
    public async Task Import_DoorHint_FromTheClaimableSet_IsRecorded(string door)
    {
        var (client, _) = await app.CallerAsync("user");
        var site = await app.SiteAsync();
        site.MapFile($"door-{door}.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "door-" + door), "video/mp4");

        var response = await client.PostAsJsonAsync("/api/v1/imports", new { url = site.Url($"door-{door}.mp4").AbsoluteUri, door });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(door, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("door").GetString());
    }

    [Theory]
    [InlineData("bot")]
    [InlineData("mcp")]
    [InlineData("cli")]
    [InlineData("telegram")]
    public async Task Import_ClaimingAnotherDoor_Is400NamingDoor(string door)
    {
        var (client, _) = await app.CallerAsync("admin");
        var response = await client.PostAsJsonAsync("/api/v1/imports", new { url = "https://example.invalid/a.mp4", door });
        await ProblemAssert.IsAsync(response, 400, "validation", "door");
    }

    [Theory]
    [InlineData("""{}""", "url")]
    [InlineData("""{"url":"ftp://example.invalid/a.mp4"}""", "url")]
    [InlineData("""{"url":"https://example.invalid/a.mp4","format":"8k"}""", "format")]
    [InlineData("""{"url":"https://example.invalid/a.mp4","mode":"later"}""", "mode")]
    [InlineData("""{"url":"https://example.invalid/a.mp4","library":"Nope"}""", "library")]
    public async Task Import_Invalid_Is400NamingTheField(string json, string field)
    {
        var (client, _) = await app.CallerAsync("user");
        var response = await client.PostAsync("/api/v1/imports", new StringContent(json, Encoding.UTF8, "application/json"));
        await ProblemAssert.IsAsync(response, 400, "validation", field);
    }

    [Theory]
    [InlineData("""{"url":"https://example.invalid/a.mp4","clip":{"startSeconds":-1,"endSeconds":5}}""", "start before 0")]
    [InlineData("""{"url":"https://example.invalid/a.mp4","clip":{"startSeconds":5,"endSeconds":5}}""", "must end after it starts")]
    [InlineData("""{"url":"https://example.invalid/a.mp4","clip":{"startSeconds":9,"endSeconds":3}}""", "must end after it starts")]
    [InlineData("""{"url":"https://example.invalid/a.mp4","clip":{"startSeconds":3}}""", "both startSeconds and endSeconds")]
    public async Task Import_WithABadClip_Is400NamingClip_AndSayingWhy(string json, string why)
    {
        var (client, _) = await app.CallerAsync("user");
        var response = await client.PostAsync("/api/v1/imports", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await ProblemAssert.IsAsync(response, 400, "validation", "clip");
        Assert.Contains(why, problem.GetProperty("errors").GetProperty("clip")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_WithAClip_MakesAnEntryOfThatSection_NamedAndRecordedAsSuch()
    {
        var (client, _) = await app.CallerAsync("user");
        var site = await app.SiteAsync();
        site.MapFile("clip-api.mp4", await TestMedia.VariantAsync(await TestMedia.KeyframedVideoAsync(), "clip-api"), "video/mp4");
        var url = site.Url("clip-api.mp4").AbsoluteUri;

        var response = await client.PostAsJsonAsync("/api/v1/imports", new { url, clip = new { startSeconds = 4, endSeconds = 7 } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var done = await PipelineAppFactory.WaitAsync(client, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        var entry = await client.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{done.GetProperty("entryId").GetGuid()}");
        Assert.Equal(url, entry.GetProperty("sourceUrl").GetString());
        var clip = entry.GetProperty("properties").GetProperty("clip");
        Assert.Equal((4.0, 7.0), (clip.GetProperty("startSeconds").GetDouble(), clip.GetProperty("endSeconds").GetDouble()));
        Assert.InRange(entry.GetProperty("durationSeconds").GetDouble(), 2.5, 3.6);
    }

    [Fact]
    public async Task Import_OfAMetadataAddress_Is422BlockedAddress()
    {
        var (client, _) = await app.CallerAsync("user");
        var response = await client.PostAsJsonAsync("/api/v1/imports", new { url = "http://169.254.169.254/latest/meta-data" });
        await ProblemAssert.IsAsync(response, 422, "blocked-address");
    }

    [Fact]
    public async Task Probe_DescribesTheFile_AndCreatesNothing()
    {
        var (client, caller) = await app.CallerAsync("user");
        var site = await app.SiteAsync();
        var before = await CountJobsAsync(caller);

        var response = await client.PostAsJsonAsync("/api/v1/imports/probe", new { url = site.Url("tone.m4a").AbsoluteUri });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var probe = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("http", probe.GetProperty("engine").GetString());
        Assert.Equal("tone", probe.GetProperty("title").GetString());
        Assert.Equal("audio", probe.GetProperty("mediaKind").GetString());
        Assert.Equal(before, await CountJobsAsync(caller));
    }

    [Fact]
    public async Task Probe_Errors_MapToStableTypes()
    {
        var (client, _) = await app.CallerAsync("user");
        var site = await app.SiteAsync();
        site.MapStatus("gone.mp4", 404).MapStatus("busy.mp4", 503);

        await ProblemAssert.IsAsync(await client.PostAsJsonAsync("/api/v1/imports/probe", new { url = "" }), 400, "validation", "url");
        await ProblemAssert.IsAsync(await client.PostAsJsonAsync("/api/v1/imports/probe", new { url = site.Url("gone.mp4").AbsoluteUri }), 422, "http-404");
        await ProblemAssert.IsAsync(await client.PostAsJsonAsync("/api/v1/imports/probe", new { url = "http://169.254.169.254/" }), 422, "blocked-address");
        var busy = await client.PostAsJsonAsync("/api/v1/imports/probe", new { url = site.Url("busy.mp4").AbsoluteUri });
        var problem = await ProblemAssert.IsAsync(busy, 502, "http-5xx");
        Assert.Contains("503", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("""{"query":""}""", "query")]
    [InlineData("""{"query":"cats","source":"vimeo"}""", "source")]
    [InlineData("""{"query":"cats","limit":0}""", "limit")]
    [InlineData("""{"query":"cats","limit":51}""", "limit")]
    public async Task Search_Invalid_Is400NamingTheField(string json, string field)
    {
        var (client, _) = await app.CallerAsync("user");
        var response = await client.PostAsync("/api/v1/imports/search", new StringContent(json, Encoding.UTF8, "application/json"));
        await ProblemAssert.IsAsync(response, 400, "validation", field);
    }

    /// <summary>The caller's jobs (other tests in this class import at the same time, and their imports make thumbnail jobs).</summary>
    private async Task<int> CountJobsAsync(string requester)
    {
        await using var db = await app.Get<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        return await db.Jobs.CountAsync(j => j.RequestedBy == requester);
    }
}
