using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;
using Hub.Web.Tests.Entries;

namespace Hub.Web.Tests.Auth;

/// <summary>Per-address limits on failed sign-ins and on token-less endpoints: 429 with Retry-After, named in the problem.</summary>
public sealed class RateLimitTests(RateLimitTests.App app) : IClassFixture<RateLimitTests.App>
{
    public sealed class App : HubAppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Hub:RateLimits:SignInFailuresPerMinute"] = "3",
            ["Hub:RateLimits:TokenlessPerMinute"] = "5",
        };
    }

    internal static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var seconds = int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, 60);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("urn:hub:problem:rate-limited", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task FailedSignIns_AreLimitedPerAddress_ThenEvenARightTokenWaits()
    {
        var good = await app.CreateTokenAsync("user");
        var client = app.CreateClient();
        Task<HttpResponseMessage> MeAsync(string token)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client.SendAsync(request);
        }

        Assert.Equal(HttpStatusCode.OK, (await MeAsync(good)).StatusCode); // successes are not counted
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync("hub_guess" + i)).StatusCode);
        }
        await AssertTooManyAsync(await MeAsync("hub_guess3"));
        await AssertTooManyAsync(await MeAsync(good));
        // No token at all is not a sign-in attempt: it is told to send one, as before.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
    }
}

/// <summary>Apart from the sign-in test: both count by the same (test server) address.</summary>
public sealed class TokenlessRateLimitTests(RateLimitTests.App app) : IClassFixture<RateLimitTests.App>
{
    [Fact]
    public async Task SignedLinks_AreLimitedPerAddress_TokenRoutesAreNot()
    {
        var library = await EntrySeed.LibraryAsync(app.ConnectionString, "Limited");
        var entry = new SeedEntry("limited") { FilePath = EntrySeed.WriteFile(Path.Combine(app.DataDir, "media", "rl"), "rl.mp4", 10) };
        await EntrySeed.InsertAsync(app.ConnectionString, library, entry);
        var admin = await app.CreateClientAsync("admin");
        var path = (await (await admin.PostAsJsonAsync($"/api/v1/entries/{entry.Id}/links", new { })).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("path").GetString();
        var anonymous = app.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(path)).StatusCode);
        }
        await RateLimitTests.AssertTooManyAsync(await anonymous.GetAsync(path));
        await RateLimitTests.AssertTooManyAsync(await anonymous.GetAsync("/s/forged-token-guess"));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/entries/{entry.Id}/stream")).StatusCode);
    }
}
