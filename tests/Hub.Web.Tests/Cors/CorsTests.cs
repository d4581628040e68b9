using System.Net;
using Hub.Testing;
using Microsoft.Extensions.Options;

namespace Hub.Web.Tests.Cors;

public sealed class CorsAppFactory : HubAppFactory
{
    public const string Extension = "chrome-extension://abcdefghijklmnopabcdefghijklmnop";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Hub:Cors:AllowedOrigins:0"] = Extension,
        ["Hub:Cors:AllowedOrigins:1"] = "https://admin.example.org",
    };
}

public sealed class WildcardCorsAppFactory : HubAppFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Hub:Cors:AllowedOrigins:0"] = "*" };
}

public sealed class CorsTests(CorsAppFactory app) : IClassFixture<CorsAppFactory>
{
    [Fact]
    public async Task Preflight_FromAnAllowedOrigin_GetsTheHeaders()
    {
        var response = await app.CreateClient().SendAsync(Preflight("/api/v1/imports", CorsAppFactory.Extension, "POST"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(CorsAppFactory.Extension, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Methods")));
        Assert.Contains("authorization", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant());
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task Preflight_FromAnotherOrigin_GetsNoHeaders()
    {
        var response = await app.CreateClient().SendAsync(Preflight("/api/v1/imports", "https://evil.example.com", "POST"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task ActualRequest_FromAnAllowedOrigin_IsAllowed_AndHealthHasNoCors()
    {
        var client = await app.CreateClientAsync("user");
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/libraries");
        request.Headers.Add("Origin", CorsAppFactory.Extension);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(CorsAppFactory.Extension, response.Headers.GetValues("Access-Control-Allow-Origin").Single());

        var health = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        health.Headers.Add("Origin", CorsAppFactory.Extension);
        Assert.False((await client.SendAsync(health)).Headers.Contains("Access-Control-Allow-Origin"));
    }

    internal static HttpRequestMessage Preflight(string path, string origin, string method)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }
}

public sealed class CorsDefaultTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    [Fact]
    public async Task NoSetting_SendsNoCorsHeaders()
    {
        var response = await app.CreateClient().SendAsync(CorsTests.Preflight("/api/v1/imports", CorsAppFactory.Extension, "POST"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        var client = await app.CreateClientAsync("user");
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/libraries");
        request.Headers.Add("Origin", CorsAppFactory.Extension);
        var actual = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, actual.StatusCode);
        Assert.False(actual.Headers.Contains("Access-Control-Allow-Origin"));
    }
}

public sealed class CorsWildcardTests(WildcardCorsAppFactory app) : IClassFixture<WildcardCorsAppFactory>
{
    [Fact]
    public void Wildcard_IsRefusedAtStart_WithAClearMessage()
    {
        var ex = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        var validation = ex as OptionsValidationException ?? ex.InnerException as OptionsValidationException
            ?? (ex as AggregateException)?.Flatten().InnerExceptions.OfType<OptionsValidationException>().FirstOrDefault();
        Assert.NotNull(validation);
        Assert.Contains("Hub:Cors:AllowedOrigins", validation.Message);
    }
}
