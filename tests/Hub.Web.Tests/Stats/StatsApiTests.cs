using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;
using Hub.Web.Tests.Entries;

namespace Hub.Web.Tests.Stats;

public sealed class StatsApiTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    [Fact]
    public async Task Stats_CountsEntriesBytesAndStorage()
    {
        var library = await EntrySeed.LibraryAsync(app.ConnectionString, "Stats Lib");
        await EntrySeed.InsertAsync(app.ConnectionString, library,
            new SeedEntry("a") { SizeBytes = 100, Platform = "youtube", Container = "mp4" },
            new SeedEntry("b") { SizeBytes = 50, Platform = "youtube", Container = "webm", MediaKind = "audio" },
            new SeedEntry("c") { SizeBytes = 25, Container = null, CreatedAt = DateTimeOffset.UtcNow.AddDays(-40) });
        var user = await app.CreateClientAsync("user");
        // One of Hub's own jobs: not counted among people's jobs (the jobs lists hide it too).
        await app.Get<Hub.Domain.Jobs.JobQueue>().EnqueueAsync(new Hub.Domain.Jobs.NewJob("thumbnail", "thumbnails", "api"), CancellationToken.None);

        var stats = await user.GetFromJsonAsync<JsonElement>("/api/v1/stats");

        Assert.Equal(3, stats.GetProperty("entries").GetInt64());
        await using (var db = await app.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<Hub.Domain.Storage.HubDbContext>>().CreateDbContextAsync())
        {
            var peoples = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(
                db.Jobs, j => !Hub.Domain.Jobs.JobQueues.System.Contains(j.Queue));
            Assert.Equal(peoples, stats.GetProperty("jobsByState").EnumerateObject().Sum(p => p.Value.GetInt64()));
        }
        Assert.Equal(175, stats.GetProperty("bytes").GetInt64());
        var lib = stats.GetProperty("byLibrary").EnumerateArray().Single(l => l.GetProperty("key").GetString() == "Stats Lib");
        Assert.Equal(3, lib.GetProperty("entries").GetInt64());
        Assert.Equal(150, stats.GetProperty("byPlatform").EnumerateArray().Single(p => p.GetProperty("key").GetString() == "youtube").GetProperty("bytes").GetInt64());
        Assert.Equal(25, stats.GetProperty("byContainer").EnumerateArray().Single(p => p.GetProperty("key").GetString() == "unknown").GetProperty("bytes").GetInt64());
        Assert.Equal(50, stats.GetProperty("byMediaKind").EnumerateArray().Single(p => p.GetProperty("key").GetString() == "audio").GetProperty("bytes").GetInt64());
        var today = stats.GetProperty("importsPerDay").EnumerateArray().Single();
        Assert.Equal(2, today.GetProperty("count").GetInt64()); // the 40-day-old one is outside the 30 days
        Assert.Equal(175, stats.GetProperty("storage").GetProperty("entriesBytes").GetInt64());
        Assert.True(stats.GetProperty("storage").GetProperty("freeBytes").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Object, stats.GetProperty("jobsByState").ValueKind);

        // The media folder is a path on the server: admins see it, user tokens get the figures without it.
        Assert.True(!stats.GetProperty("storage").TryGetProperty("mediaDir", out var hidden) || hidden.ValueKind == JsonValueKind.Null, hidden.ToString());
        Assert.DoesNotContain(app.DataDir, stats.GetRawText(), StringComparison.Ordinal);
        var admin = await (await app.CreateClientAsync("admin")).GetFromJsonAsync<JsonElement>("/api/v1/stats");
        Assert.StartsWith(app.DataDir, admin.GetProperty("storage").GetProperty("mediaDir").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownloadStats_TotalsPerDayAndTopEntries()
    {
        var library = await EntrySeed.LibraryAsync(app.ConnectionString, "Dl Lib");
        var path = EntrySeed.WriteFile(Path.Combine(app.DataDir, "media", "dl"), "x.mp4", 300);
        var a = new SeedEntry("Popular") { FilePath = path };
        var b = new SeedEntry("Less popular") { FilePath = path };
        await EntrySeed.InsertAsync(app.ConnectionString, library, a, b);
        var user = await app.CreateClientAsync("user");
        for (var i = 0; i < 3; i++) await (await user.GetAsync($"/api/v1/entries/{a.Id}/stream")).Content.ReadAsByteArrayAsync();
        var ranged = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/entries/{b.Id}/download");
        ranged.Headers.TryAddWithoutValidation("Range", "bytes=0-99");
        await (await user.SendAsync(ranged)).Content.ReadAsByteArrayAsync();
        // A player's seek: a request, not another play.
        var seek = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/entries/{a.Id}/stream");
        seek.Headers.TryAddWithoutValidation("Range", "bytes=200-");
        await (await user.SendAsync(seek)).Content.ReadAsByteArrayAsync();

        JsonElement stats = default;
        for (var tries = 0; tries < 200; tries++)
        {
            stats = await user.GetFromJsonAsync<JsonElement>("/api/v1/stats/downloads");
            if (stats.GetProperty("totals").GetProperty("events").GetInt64() >= 5) break;
            await Task.Delay(50);
        }
        Assert.Equal(5, stats.GetProperty("totals").GetProperty("events").GetInt64());
        Assert.Equal(4, stats.GetProperty("totals").GetProperty("plays").GetInt64());
        Assert.Equal(1100, stats.GetProperty("totals").GetProperty("bytes").GetInt64());
        Assert.Equal(5, stats.GetProperty("totals").GetProperty("completed").GetInt64());
        var top = stats.GetProperty("topEntries").EnumerateArray().ToList();
        Assert.Equal("Popular", top[0].GetProperty("title").GetString());
        Assert.Equal((4, 3), (top[0].GetProperty("events").GetInt64(), top[0].GetProperty("plays").GetInt64()));
        Assert.Single(stats.GetProperty("perDay").EnumerateArray());

        var onlyB = await user.GetFromJsonAsync<JsonElement>($"/api/v1/stats/downloads?entry={b.Id}&kind=download");
        Assert.Equal(100, onlyB.GetProperty("totals").GetProperty("bytes").GetInt64());
        var none = await user.GetFromJsonAsync<JsonElement>($"/api/v1/stats/downloads?kind=download&from=2001-01-01&to=2001-02-01");
        Assert.Equal(0, none.GetProperty("totals").GetProperty("events").GetInt64());

        foreach (var (query, field) in new[] { ("kind=torrent", "kind"), ("entry=abc", "entry"), ("from=nope", "from"), ("from=2030-01-01&to=2020-01-01", "from") })
        {
            var bad = await user.GetAsync("/api/v1/stats/downloads?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _), query);
        }
    }
}
