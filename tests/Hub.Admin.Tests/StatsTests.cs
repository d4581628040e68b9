using Microsoft.Playwright;

namespace Hub.Admin.Tests;

/// <summary>The charts draw what the stats API holds: the imports the fixture made and a stream made here show as bars.</summary>
[Collection(AdminCollection.Name)]
public sealed class StatsTests(AdminFixture hub)
{
    [Fact]
    public async Task StatsPage_ChartsShowTheImportsAndStreams_AndTheRangePickerAsksForItsDays()
    {
        await (await hub.Admin.GetAsync($"/api/v1/entries/{hub.AudioEntry}/stream")).Content.ReadAsByteArrayAsync();
        var page = await hub.SignedInPageAsync(1366, 768);
        var asked = new List<string>();
        page.Request += (_, request) => { if (request.Url.Contains("/api/v1/stats", StringComparison.Ordinal)) lock (asked) asked.Add(request.Url); };
        await AdminPages.OpenAsync(page, "stats");
        await page.WaitForSelectorAsync("#stats-charts[data-range='30']");

        // Today's bar (the last) holds the fixture's two imports; thirty bars for thirty days.
        Assert.Equal(30, await page.Locator("[data-chart=imports] rect").CountAsync());
        Assert.True(await LastBarAsync(page, "imports") >= 2);
        Assert.True(await LastBarAsync(page, "imported-bytes") > 0);
        // The stream is recorded when the response ends: wait for it by switching ranges until it shows.
        for (var i = 0; i < 50 && await LastBarAsync(page, "streamed") == 0; i++)
        {
            await page.ClickAsync("[data-range='30']");
            await page.WaitForTimeoutAsync(200);
        }
        Assert.True(await LastBarAsync(page, "streamed") > 0);
        Assert.True(await MetersAsync(page, "by-library") >= 2); // the video and the audio, in whichever libraries
        // Counted in plays (requests from the first byte), not in every range request a player makes.
        await Assertions.Expect(page.Locator("#stats-top li").First).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"\d+ plays? · "));

        await page.ClickAsync("[data-range='7']");
        await page.WaitForSelectorAsync("#stats-charts[data-range='7']");
        Assert.Equal(7, await page.Locator("[data-chart=imports] rect").CountAsync());
        Assert.True(await LastBarAsync(page, "imports") >= 2);
        await page.ClickAsync("[data-range='all']");
        await page.WaitForSelectorAsync("#stats-charts[data-range='all']");
        lock (asked)
        {
            Assert.Contains(asked, u => u.EndsWith("/api/v1/stats?days=7", StringComparison.Ordinal));
            Assert.Contains(asked, u => u.EndsWith("/api/v1/stats?days=all", StringComparison.Ordinal));
            Assert.Contains(asked, u => u.Contains("/api/v1/stats/downloads?kind=stream&from=" + DateTime.UtcNow.AddDays(-6).ToString("yyyy-MM-dd"), StringComparison.Ordinal));
        }
        Assert.Equal("true", await page.GetAttributeAsync("[data-range='all']", "aria-pressed"));
        Assert.True(await LastBarAsync(page, "imports") >= 2);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task StatsPage_ChosenDays_CountTheImportsInThem_AndABackwardsRangeIsExplained()
    {
        var page = await hub.SignedInPageAsync(390, 844);
        var asked = new List<string>();
        page.Request += (_, request) => { if (request.Url.Contains("/api/v1/stats", StringComparison.Ordinal)) lock (asked) asked.Add(request.Url); };
        await AdminPages.OpenAsync(page, "stats");
        await page.WaitForSelectorAsync("#stats-charts[data-range='30']");
        static string Day(int daysAgo) => DateTime.UtcNow.AddDays(-daysAgo).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        // The last three days, today included: three bars, today's holds every import so far.
        await ShowAsync(page, Day(2), Day(0));
        Assert.Equal(3, await page.Locator("[data-chart=imports] rect").CountAsync());
        var before = await LastBarAsync(page, "imports");
        Assert.True(before >= 2, $"today's bar: {before}");
        hub.Site.MapFile("stats-range.mp4", await Hub.Testing.TestMedia.VariantAsync(await Hub.Testing.TestMedia.VideoAsync(), "admin-stats-range"), "video/mp4");
        await hub.ImportAndWaitAsync("stats-range.mp4");
        await ShowAsync(page, Day(2), Day(0), again: true);
        Assert.Equal(before + 1, await LastBarAsync(page, "imports"));

        // Days before any import: a bar each, all empty.
        await ShowAsync(page, Day(9), Day(3));
        Assert.Equal(7, await page.Locator("[data-chart=imports] rect").CountAsync());
        Assert.Equal(0, await page.Locator("[data-chart=imports] rect").EvaluateAllAsync<double>("rs => rs.reduce((a, r) => a + Number(r.dataset.value), 0)"));
        Assert.Equal("0", await page.Locator(".figure-value").First.TextContentAsync());

        // Long ranges become months: this month's bar holds the imports.
        await ShowAsync(page, Day(200), Day(0));
        var months = (DateTime.UtcNow.Year * 12 + DateTime.UtcNow.Month) - (DateTime.UtcNow.AddDays(-200).Year * 12 + DateTime.UtcNow.AddDays(-200).Month) + 1;
        Assert.Equal(months, await page.Locator("[data-chart=imports] rect").CountAsync());
        Assert.Equal(before + 1, await LastBarAsync(page, "imports"));
        await Assertions.Expect(page.Locator("[data-chart=imports] figcaption")).ToHaveTextAsync("Imports per month");

        // Backwards: said at the fields, nothing asked of the API, the charts left as they were.
        int asks;
        lock (asked) asks = asked.Count;
        await page.FillAsync("#stats-from", Day(1));
        await page.FillAsync("#stats-to", Day(5));
        await page.ClickAsync("#stats-range-show");
        await Assertions.Expect(page.Locator("#stats-range-error")).ToContainTextAsync("after the last");
        Assert.Equal("true", await page.GetAttributeAsync("#stats-from", "aria-invalid"));
        Assert.Equal($"{Day(200)}..{Day(0)}", await page.GetAttributeAsync("#stats-charts", "data-range"));
        lock (asked)
        {
            Assert.Equal(asks, asked.Count);
            Assert.Contains(asked, u => u.EndsWith($"/api/v1/stats?from={Day(9)}&to={Day(3)}", StringComparison.Ordinal));
            Assert.Contains(asked, u => u.Contains($"/api/v1/stats/downloads?kind=stream&from={Day(9)}&to={Day(2)}", StringComparison.Ordinal));
        }
        Assert.True(await AdminPages.FitsWidthAsync(page));
        await page.Context.CloseAsync();
    }

    /// <summary>Chooses the days and waits until the charts show them (a second time for the same days: waits for the new answer).</summary>
    private static async Task ShowAsync(IPage page, string from, string to, bool again = false)
    {
        if (again)
        {
            await page.EvaluateAsync("() => { document.getElementById('stats-charts').dataset.range = ''; }");
        }
        await page.FillAsync("#stats-from", from);
        await page.FillAsync("#stats-to", to);
        await page.ClickAsync("#stats-range-show");
        await page.WaitForSelectorAsync($"#stats-charts[data-range='{from}..{to}']");
    }

    [Fact]
    public async Task Dashboard_ChartsShowTheImports()
    {
        var page = await hub.SignedInPageAsync(390, 844);
        await AdminPages.OpenAsync(page, "dashboard");
        Assert.True(await LastBarAsync(page, "imports") >= 2);
        Assert.True(await LastBarAsync(page, "imported-bytes") > 0);
        Assert.True(await MetersAsync(page, "by-library") >= 2); // the video and the audio, in whichever libraries
        Assert.True(await MetersAsync(page, "by-format") > 0);
        await page.Context.CloseAsync();
    }

    private static Task<double> MetersAsync(IPage page, string chart) =>
        page.Locator($"[data-chart={chart}] meter").EvaluateAllAsync<double>("ms => ms.reduce((a, m) => a + m.value, 0)");

    private static Task<double> LastBarAsync(IPage page, string chart) =>
        page.Locator($"[data-chart={chart}] rect").Last.EvaluateAsync<double>("r => Number(r.dataset.value)");
}
