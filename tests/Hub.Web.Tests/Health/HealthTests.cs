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
    public async Task Ready_ReportsDatabaseAndToolVersions_AndAnOutdatedYtDlp()
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
        // The test machine has Debian's yt-dlp 2023.03.04: found, but far past 60 days, so health says so and how to update.
        var ytdlp = checks.GetProperty("yt-dlp");
        Assert.Equal("Degraded", ytdlp.GetProperty("status").GetString());
        Assert.Contains("outdated", ytdlp.GetProperty("description").GetString());
        Assert.Contains("hub tools update", ytdlp.GetProperty("description").GetString());
        Assert.Equal("2023.03.04", ytdlp.GetProperty("data").GetProperty("version").GetString());
        Assert.True(ytdlp.GetProperty("data").GetProperty("ageDays").GetInt32() > 60);
        Assert.Equal("Degraded", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ToolsApi_TellsAnAdminWhichYtDlpRuns()
    {
        var admin = await app.CreateClientAsync("admin");
        var s = await admin.GetFromJsonAsync<JsonElement>("/api/v1/tools/yt-dlp");
        Assert.Equal("2023.03.04", s.GetProperty("version").GetString());
        Assert.True(s.GetProperty("outdated").GetBoolean());
        Assert.Equal("system", s.GetProperty("source").GetString());
        Assert.Contains("predates --js-runtimes", s.GetProperty("jsRuntime").GetString());

        var rollback = await admin.PostAsync("/api/v1/tools/yt-dlp/rollback", null);
        Assert.Equal(HttpStatusCode.BadRequest, rollback.StatusCode); // nothing managed yet, so nothing to go back to
        Assert.Contains("no previous yt-dlp build", await rollback.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OpenApi_DescribesTheApi()
    {
        var doc = await app.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/v1/me", out _));
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/v1/tokens", out _));
    }
}
