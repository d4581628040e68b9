using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Web.Tests.Auth;

public sealed class AuthTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    [Fact]
    public async Task Me_WithoutToken_Is401ProblemDetails()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("urn:hub:problem:unauthorized", problem.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("Bearer hub_not-a-real-token")]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task Me_WithBadCredentials_Is401(string header)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);
        var response = await client.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Me_WithToken_ReturnsItsNameAndRole()
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await app.CreateTokenAsync("user", "phone"));

        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");

        Assert.Equal("phone", me.GetProperty("name").GetString());
        Assert.Equal("user", me.GetProperty("role").GetString());
    }

    [Fact]
    public async Task RevokedToken_Is401()
    {
        var admin = await app.CreateClientAsync("admin");
        var created = await (await admin.PostAsJsonAsync("/api/v1/tokens", new { name = "short-lived", role = "user" })).Content.ReadFromJsonAsync<JsonElement>();
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.GetProperty("secret").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);

        await admin.DeleteAsync($"/api/v1/tokens/{created.GetProperty("token").GetProperty("id").GetString()}");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public void DataProtectionsKeyRing_IsNotLoadedAtStartUp_HubProtectsNothingWithIt()
    {
        var hosted = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Select(h => h.GetType().FullName).ToList();
        Assert.Contains(hosted, n => n!.StartsWith("Hub.", StringComparison.Ordinal)); // the list is the real one
        Assert.DoesNotContain("Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService", hosted);
    }
}
