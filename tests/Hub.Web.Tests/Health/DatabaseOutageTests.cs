using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;

namespace Hub.Web.Tests.Health;

/// <summary>The database stops under a running app: requests that need it get 503 with a retry hint, never 500.</summary>
public sealed class DatabaseOutageTests(PrivateClusterAppFactory app) : IClassFixture<PrivateClusterAppFactory>
{
    [Fact]
    public async Task DatabaseStopped_RequestsAnswer503WithRetryAfter_LiveIs200_ReadyIs503_ThenRecover()
    {
        var cachedToken = await app.CreateTokenAsync("admin");
        var freshToken = await app.CreateTokenAsync("user"); // never used before the outage: checking it needs the database
        var cached = app.CreateClient(cachedToken);
        Assert.Equal(HttpStatusCode.OK, (await cached.GetAsync("/api/v1/entries")).StatusCode);

        await app.Cluster.StopImmediatelyAsync();
        try
        {
            // A token whose check needs the database, and a request whose endpoint needs it.
            await AssertUnavailableAsync(await app.CreateClient(freshToken).GetAsync("/api/v1/me"));
            await AssertUnavailableAsync(await cached.GetAsync("/api/v1/entries"));
            await AssertUnavailableAsync(await cached.GetAsync("/api/v1/jobs"));
            await AssertUnavailableAsync(await cached.PostAsJsonAsync("/api/v1/playlists", new { name = "during outage" }));

            Assert.Equal(HttpStatusCode.OK, (await app.CreateClient(freshToken).GetAsync("/health/live")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/health/live")).StatusCode);

            var ready = await app.CreateClient(freshToken).GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var database = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("database");
            Assert.Equal("Unhealthy", database.GetProperty("status").GetString());
            Assert.Equal("external", database.GetProperty("data").GetProperty("mode").GetString());
            Assert.Equal("unreachable", database.GetProperty("data").GetProperty("state").GetString());
        }
        finally
        {
            await app.Cluster.StartAgainAsync();
        }

        // Back without a restart of Hub: pooled connections to the dead server are replaced.
        var until = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            status = (await app.CreateClient(freshToken).GetAsync("/api/v1/entries")).StatusCode;
            if (status == HttpStatusCode.OK) break;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < until);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/health/ready")).StatusCode);
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 }, "Retry-After is missing");
        var problem = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.Equal("urn:hub:problem:database-unavailable", problem.GetProperty("type").GetString());
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Contains("database is not reachable", problem.GetProperty("detail").GetString());
    }
}
