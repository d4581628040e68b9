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
        await Assertions.Expect(page.Locator("#stats-top li").First).ToContainTextAsync("times");

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
