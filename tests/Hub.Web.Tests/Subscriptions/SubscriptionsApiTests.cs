using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Web.Tests.Webhooks;

namespace Hub.Web.Tests.Subscriptions;

public sealed class SubscriptionsApiTests(LanAppFactory app) : IClassFixture<LanAppFactory>
{
    [Fact]
    public async Task User_Subscribes_Lists_Pauses_ChecksNow_AndDeletes_OthersSeeNothing()
    {
        var alice = await app.CreateClientAsync("user");
        var bob = await app.CreateClientAsync("user");
        var admin = await app.CreateClientAsync("admin");

        var response = await alice.PostAsJsonAsync("/api/v1/subscriptions", new
        {
            url = "http://127.0.0.1:9/feed.xml", name = "Loopback Radio", intervalMinutes = 30, mode = "review", maxPerCheck = 3,
            start = new { from = "last", count = 5 }, filters = new { exclude = new[] { "trailer" }, skipShorts = true }, retention = new { keepLast = 20 },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("Loopback Radio", created.GetProperty("name").GetString());
        Assert.Equal("last", created.GetProperty("start").GetProperty("from").GetString());
        Assert.Equal(5, created.GetProperty("start").GetProperty("count").GetInt32());
        Assert.Equal("trailer", created.GetProperty("filters").GetProperty("exclude")[0].GetString());
        Assert.Equal(20, created.GetProperty("retention").GetProperty("keepLast").GetInt32());
        Assert.Equal(0, created.GetProperty("itemsImported").GetInt32());

        Assert.Contains(id, await alice.GetStringAsync("/api/v1/subscriptions"));
        Assert.DoesNotContain(id, await bob.GetStringAsync("/api/v1/subscriptions"));
        Assert.Contains(id, await admin.GetStringAsync("/api/v1/subscriptions"));
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/v1/subscriptions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PatchAsJsonAsync($"/api/v1/subscriptions/{id}", new { paused = true })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsync($"/api/v1/subscriptions/{id}/check", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"/api/v1/subscriptions/{id}")).StatusCode);

        var paused = await (await alice.PatchAsJsonAsync($"/api/v1/subscriptions/{id}", new { paused = true, intervalMinutes = 120 })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(paused.GetProperty("paused").GetBoolean());
        Assert.Equal(120, paused.GetProperty("intervalMinutes").GetInt32());

        var check = await alice.PostAsync($"/api/v1/subscriptions/{id}/check", null);
        Assert.Equal(HttpStatusCode.Accepted, check.StatusCode);
        var job = await check.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("subscription-check", job.GetProperty("kind").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/api/v1/subscriptions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync($"/api/v1/subscriptions/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("""{"url":"http://127.0.0.1:9/a.xml","start":{"from":"last"}}""", "start.count")]
    [InlineData("""{"url":"http://127.0.0.1:9/b.xml","intervalMinutes":1}""", "intervalMinutes")]
    [InlineData("""{"url":"http://127.0.0.1:9/c.xml","mode":"sometimes"}""", "mode")]
    [InlineData("""{"url":"http://127.0.0.1:9/d.xml","library":"no such library"}""", "library")]
    [InlineData("""{"url":"ftp://127.0.0.1/e.xml"}""", "url")]
    [InlineData("""{}""", "url")]
    [InlineData("""{"url":"http://127.0.0.1:9/f.xml","mediaServerFiles":"sometimes"}""", "mediaServerFiles")]
    public async Task InvalidSubscription_IsAValidationProblem(string json, string field)
    {
        var user = await app.CreateClientAsync("user");
        var response = await user.PostAsync("/api/v1/subscriptions", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task MediaServerFiles_DefaultsToHubsSetting_IsSetOnCreate_ChangedAndResetByPatch()
    {
        var user = await app.CreateClientAsync("user");
        var plain = await (await user.PostAsJsonAsync("/api/v1/subscriptions", new { url = "http://127.0.0.1:9/nfo-a.xml" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("default", plain.GetProperty("mediaServerFiles").GetString());

        var response = await user.PostAsJsonAsync("/api/v1/subscriptions", new { url = "http://127.0.0.1:9/nfo-b.xml", mediaServerFiles = "on" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal("on", (await user.GetFromJsonAsync<JsonElement>($"/api/v1/subscriptions/{id}")).GetProperty("mediaServerFiles").GetString());

        var off = await (await user.PatchAsJsonAsync($"/api/v1/subscriptions/{id}", new { mediaServerFiles = "OFF" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("off", off.GetProperty("mediaServerFiles").GetString());
        var paused = await (await user.PatchAsJsonAsync($"/api/v1/subscriptions/{id}", new { paused = true })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("off", paused.GetProperty("mediaServerFiles").GetString()); // left out: unchanged

        var bad = await user.PatchAsJsonAsync($"/api/v1/subscriptions/{id}", new { mediaServerFiles = "maybe" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("mediaServerFiles", out _));
        Assert.Equal("off", (await user.GetFromJsonAsync<JsonElement>($"/api/v1/subscriptions/{id}")).GetProperty("mediaServerFiles").GetString());

        var reset = await (await user.PatchAsJsonAsync($"/api/v1/subscriptions/{id}", new { mediaServerFiles = "default" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("default", reset.GetProperty("mediaServerFiles").GetString());
    }

    [Fact]
    public async Task SameUrlTwice_IsAConflict()
    {
        var user = await app.CreateClientAsync("user");
        Assert.Equal(HttpStatusCode.Created, (await user.PostAsJsonAsync("/api/v1/subscriptions", new { url = "http://127.0.0.1:9/twice.xml" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await user.PostAsJsonAsync("/api/v1/subscriptions", new { url = "http://127.0.0.1:9/twice.xml" })).StatusCode);
    }
}
