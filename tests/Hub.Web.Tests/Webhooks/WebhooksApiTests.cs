using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;

namespace Hub.Web.Tests.Webhooks;

/// <summary>A Hub whose owner allows LAN targets (a Gotify on the NAS), as tests must for a loopback URL.</summary>
public sealed class LanAppFactory : HubAppFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Hub:Network:AllowPrivateNetworks"] = "true" };
}

/// <summary>With the default network rules, a webhook cannot point into the server's own network.</summary>
public sealed class WebhookGuardTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    [Theory]
    [InlineData("http://127.0.0.1:9/hook")]
    [InlineData("http://localhost:9/hook")]
    [InlineData("http://[::ffff:127.0.0.1]:9/hook")]
    [InlineData("http://0.0.0.0:9/hook")]
    public async Task LoopbackTarget_IsRefused(string url)
    {
        var admin = await app.CreateClientAsync("admin");
        var response = await admin.PostAsJsonAsync("/api/v1/webhooks", new { name = "lan", url });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _), problem.ToString());
    }
}

public sealed class WebhooksApiTests(LanAppFactory app) : IClassFixture<LanAppFactory>
{
    [Fact]
    public async Task UserToken_CannotSeeOrAddWebhooks()
    {
        var user = await app.CreateClientAsync("user");
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/api/v1/webhooks")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.PostAsJsonAsync("/api/v1/webhooks", new { name = "x", url = "http://127.0.0.1:9/x" })).StatusCode);
    }

    [Fact]
    public async Task Admin_Creates_Lists_Changes_Tests_AndDeletes_TheSecretShownOnce()
    {
        var admin = await app.CreateClientAsync("admin");
        var response = await admin.PostAsJsonAsync("/api/v1/webhooks", new { name = "ntfy on my phone", url = "http://127.0.0.1:9/hub", format = "ntfy", events = new[] { "job.failed" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var secret = created.GetProperty("secret").GetString()!;
        var id = created.GetProperty("webhook").GetProperty("id").GetString()!;
        Assert.Equal(48, secret.Length);
        Assert.Equal("ntfy", created.GetProperty("webhook").GetProperty("format").GetString());

        var list = await admin.GetStringAsync("/api/v1/webhooks");
        Assert.Contains(id, list);
        Assert.DoesNotContain(secret, list);

        var patched = await admin.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { enabled = false, events = new[] { "job.completed", "job.failed" } });
        var hook = await patched.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(hook.GetProperty("enabled").GetBoolean());
        Assert.Equal(2, hook.GetProperty("events").GetArrayLength());

        var test = await admin.PostAsync($"/api/v1/webhooks/{id}/test", null);
        Assert.Equal(HttpStatusCode.Accepted, test.StatusCode);
        Assert.Equal("webhook", (await test.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("kind").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/webhooks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/webhooks/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("{\"name\":\"x\",\"url\":\"ftp://127.0.0.1/x\"}", "url")]
    [InlineData("{\"name\":\"x\",\"url\":\"http://127.0.0.1:9/x\",\"format\":\"telegraph\"}", "format")]
    [InlineData("{\"name\":\"x\",\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"everything\"]}", "events")]
    [InlineData("{\"name\":\"x\",\"url\":\"http://127.0.0.1:9/x\",\"secret\":\"short\"}", "secret")]
    [InlineData("{\"url\":\"http://127.0.0.1:9/x\"}", "name")]
    public async Task BadInput_Is400_NamingTheField(string body, string field)
    {
        var admin = await app.CreateClientAsync("admin");
        var response = await admin.PostAsync("/api/v1/webhooks", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
