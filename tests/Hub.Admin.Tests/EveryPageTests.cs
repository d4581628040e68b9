using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;

namespace Hub.Admin.Tests;

/// <summary>
/// Every page at phone (390×844) and laptop (1366×768) widths in both themes: no sideways scrolling, the theme applied,
/// no serious or critical axe findings, and a screenshot of each in the test output (screenshots/).
/// </summary>
[Collection(AdminCollection.Name)]
public sealed class EveryPageTests(AdminFixture hub)
{
    public static TheoryData<string, string> Pages() => new()
    {
        { "dashboard", "dashboard" }, { "import", "import" }, { "jobs", "jobs" }, { "job", "job/{job}" }, { "library", "library" },
        { "entry-video", "entry/{video}" }, { "entry-audio", "entry/{audio}" }, { "inbox", "inbox" }, { "tokens", "tokens" },
        { "libraries", "libraries" }, { "system", "system" },
        { "playlists", "playlists" }, { "playlist", "playlist/{playlist}" }, { "stats", "stats" }, { "telegram", "telegram" },
        { "subscriptions", "subscriptions" }, { "notifications", "notifications" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_FitsBothWidths_InBothThemes_WithNoSeriousAxeFindings(string name, string hash)
    {
        hash = hash.Replace("{job}", hub.FinishedJob.ToString(), StringComparison.Ordinal)
            .Replace("{video}", hub.VideoEntry.ToString(), StringComparison.Ordinal).Replace("{audio}", hub.AudioEntry.ToString(), StringComparison.Ordinal)
            .Replace("{playlist}", hub.Playlist.ToString(), StringComparison.Ordinal);
        foreach (var (width, height) in new[] { (390, 844), (1366, 768) })
        {
            foreach (var theme in new[] { "light", "dark" })
            {
                var page = await hub.SignedInPageAsync(width, height, theme);
                await AdminPages.OpenAsync(page, hash);
                Assert.Equal(theme, await page.EvaluateAsync<string>("() => document.documentElement.dataset.theme"));
                Assert.True(await AdminPages.FitsWidthAsync(page),
                    $"{name} at {width}px ({theme}) scrolls sideways: {await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth")}px");
                var rendered = await page.EvaluateAsync<double?>("(k) => performance.getEntriesByName('hub:rendered:' + k)[0]?.startTime ?? null", hash.Split('/')[0]);
                Assert.True(rendered is not null, $"{name} at {width}px ({theme}) did not finish rendering: "
                    + await page.EvaluateAsync<string>("() => document.title + ' | ' + document.getElementById('view').innerText.slice(0, 400)"));
                await File.AppendAllTextAsync(Path.Combine(AdminFixture.ScreenshotDir, "first-render.txt"),
                    $"{name} {width}px {theme}: rendered {rendered:0} ms after navigation start\n");
                await page.ScreenshotAsync(new() { Path = Path.Combine(AdminFixture.ScreenshotDir, $"{name}-{width}-{theme}.png"), FullPage = true });

                // axe takes seconds per run on this machine: dark at the phone width, light at the laptop width cover both.
                if ((width == 390) != (theme == "dark"))
                {
                    await page.Context.CloseAsync();
                    continue;
                }
                var axe = await page.RunAxe(new AxeRunOptions { ResultTypes = [ResultType.Violations] });
                var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
                Assert.True(serious.Count == 0, $"{name} at {width}px ({theme}): " + string.Join("\n", serious.Select(v =>
                    $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target)))}")));
                await page.Context.CloseAsync();
            }
        }
    }
}
