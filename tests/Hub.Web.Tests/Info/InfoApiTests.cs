using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;
using Hub.Web.Cors;
using Hub.Web.Tests.Cors;

namespace Hub.Web.Tests.Info;

public sealed class InfoApiTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    [Fact]
    public async Task Info_WithoutAToken_GivesVersionApiVersionAndCapabilities_AndNoSecrets()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/info");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var info = JsonDocument.Parse(body).RootElement;
        Assert.Equal("Hub", info.GetProperty("name").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+", info.GetProperty("version").GetString());
        Assert.Equal(1, info.GetProperty("apiVersion").GetInt32());
        var capabilities = info.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("pairing", capabilities);
        Assert.Contains("jobs.stream", capabilities);
        Assert.Contains("video_best", info.GetProperty("formats").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["apiVersion", "capabilities", "formats", "name", "version"], info.EnumerateObject().Select(p => p.Name).Order());
        Assert.DoesNotContain(app.DataDir, body);
    }

    [Fact]
    public async Task HubsOwnExtension_GetsCors_ByDefault_AndAWebPageDoesNot()
    {
        var client = app.CreateClient();
        var fromExtension = await client.SendAsync(CorsTests.Preflight("/api/v1/pairing/claim", HubCorsOptions.HubExtensionOrigin, "POST"));
        Assert.Equal(HubCorsOptions.HubExtensionOrigin, fromExtension.Headers.GetValues("Access-Control-Allow-Origin").Single());

        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/info");
        request.Headers.Add("Origin", HubCorsOptions.HubExtensionOrigin);
        Assert.Equal(HubCorsOptions.HubExtensionOrigin, (await client.SendAsync(request)).Headers.GetValues("Access-Control-Allow-Origin").Single());

        var fromPage = await client.SendAsync(CorsTests.Preflight("/api/v1/pairing/claim", "https://evil.example.com", "POST"));
        Assert.False(fromPage.Headers.Contains("Access-Control-Allow-Origin"));
        var otherExtension = await client.SendAsync(CorsTests.Preflight("/api/v1/info", CorsAppFactory.Extension, "GET"));
        Assert.False(otherExtension.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
