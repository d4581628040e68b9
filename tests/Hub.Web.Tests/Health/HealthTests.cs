using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;

namespace Hub.Web.Tests.Health;

public sealed class HealthTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    [Fact]
    public async Task Live_IsHealthy_WithoutToken()
    {
        var response = await app.CreateClient().GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_ReportsDatabaseAndToolVersions()
    {
        var body = await app.CreateClient().GetFromJsonAsync<JsonElement>("/health/ready");

        var checks = body.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
        var tools = checks.GetProperty("tools").GetProperty("data");
        foreach (var tool in new[] { "yt-dlp", "ffprobe", "aria2" })
        {
            // The test command installs them, so each reports a version rather than "missing".
            Assert.DoesNotContain("missing", tools.GetProperty(tool).GetString());
        }
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApi_DescribesTheApi()
    {
        var doc = await app.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/v1/me", out _));
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/v1/tokens", out _));
    }
}
