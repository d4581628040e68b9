using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;
using Hub.Web.Tests.Entries;

namespace Hub.Web.Tests.Stats;

/// <summary>The statistics page's range picker: <c>GET /stats?days=</c> (its own database, so the sums are exact).</summary>
public sealed class StatsRangeApiTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    [Fact]
    public async Task Stats_Days_ChoosesTheImportsRange()
    {
        var library = await EntrySeed.LibraryAsync(app.ConnectionString, "Range Lib");
        await EntrySeed.InsertAsync(app.ConnectionString, library,
            new SeedEntry("new") { SizeBytes = 10 },
            new SeedEntry("two months") { SizeBytes = 20, CreatedAt = DateTimeOffset.UtcNow.AddDays(-60) },
            new SeedEntry("two years") { SizeBytes = 40, CreatedAt = DateTimeOffset.UtcNow.AddDays(-730) });
        var user = await app.CreateClientAsync("user");
        static long Imported(JsonElement stats) => stats.GetProperty("importsPerDay").EnumerateArray().Sum(d => d.GetProperty("bytes").GetInt64());
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        var week = await user.GetFromJsonAsync<JsonElement>("/api/v1/stats?days=7");
        Assert.Equal(10, Imported(week)); // only today's
        Assert.Equal(today.AddDays(-6), DateOnly.Parse(week.GetProperty("importsFrom").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(10 + 20, Imported(await user.GetFromJsonAsync<JsonElement>("/api/v1/stats?days=90")));
        Assert.Equal(10, Imported(await user.GetFromJsonAsync<JsonElement>("/api/v1/stats"))); // 30 days, as before
        var all = await user.GetFromJsonAsync<JsonElement>("/api/v1/stats?days=all");
        Assert.Equal(10 + 20 + 40, Imported(all));
        Assert.Equal(today.AddDays(-730), DateOnly.Parse(all.GetProperty("importsFrom").GetString()!, System.Globalization.CultureInfo.InvariantCulture));

        foreach (var bad in new[] { "-1", "seven", "99999" })
        {
            var response = await user.GetAsync("/api/v1/stats?days=" + bad);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("days", out _), bad);
        }
    }
}
