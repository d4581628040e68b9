using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;
using Hub.Web.Tests.Entries;

namespace Hub.Web.Tests.Stats;

/// <summary>The statistics page's own range of days: <c>GET /stats?from=&amp;to=</c> (its own database, so the sums are exact).</summary>
public sealed class StatsFromToApiTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    [Fact]
    public async Task Stats_FromTo_CountsTheImportsOfThoseDays_BothEndsIncluded()
    {
        var library = await EntrySeed.LibraryAsync(app.ConnectionString, "From To Lib");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        DateTimeOffset At(int daysAgo) => new(today.AddDays(-daysAgo).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        await EntrySeed.InsertAsync(app.ConnectionString, library,
            new SeedEntry("today") { SizeBytes = 1 },
            new SeedEntry("ten days ago") { SizeBytes = 10, CreatedAt = At(10) },
            new SeedEntry("twenty days ago") { SizeBytes = 100, CreatedAt = At(20) });
        var user = await app.CreateClientAsync("user");
        string Day(int daysAgo) => today.AddDays(-daysAgo).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        async Task<JsonElement> Stats(string query) => await user.GetFromJsonAsync<JsonElement>("/api/v1/stats?" + query);
        static long Imported(JsonElement stats) => stats.GetProperty("importsPerDay").EnumerateArray().Sum(d => d.GetProperty("bytes").GetInt64());

        var middle = await Stats($"from={Day(20)}&to={Day(10)}");
        Assert.Equal(100 + 10, Imported(middle));
        Assert.Equal(Day(20), middle.GetProperty("importsFrom").GetString());
        Assert.Equal(Day(10), middle.GetProperty("importsTo").GetString());
        Assert.Equal(10, Imported(await Stats($"from={Day(10)}&to={Day(10)}")));
        Assert.Equal(0, Imported(await Stats($"from={Day(9)}&to={Day(1)}")));
        var toToday = await Stats($"from={Day(15)}"); // to defaults to today
        Assert.Equal(10 + 1, Imported(toToday));
        Assert.Equal(Day(0), toToday.GetProperty("importsTo").GetString());
        Assert.Equal(Day(0), (await Stats("days=7")).GetProperty("importsTo").GetString());
    }

    [Theory]
    [InlineData("from=2026-02-10&to=2026-02-01", "from", "after")]
    [InlineData("from=yesterday", "from", "YYYY-MM-DD")]
    [InlineData("from=2026-01-01&to=2026-13-01", "to", "YYYY-MM-DD")]
    [InlineData("to=2026-01-01", "from", "first day")]
    [InlineData("days=7&from=2026-01-01", "days", "not both")]
    [InlineData("from=1900-01-01&to=2026-01-01", "from", "1970")]
    [InlineData("from=2026-01-01&to=9999-12-31", "to", "1970")]
    [InlineData("from=1990-01-01&to=2026-01-01", "from", "at most")]
    public async Task Stats_BadRange_Is400NamingTheFieldAndWhy(string query, string field, string why)
    {
        var user = await app.CreateClientAsync("user");
        var problem = await ProblemAssert.IsAsync(await user.GetAsync("/api/v1/stats?" + query), 400, "validation", field);
        Assert.Contains(why, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
