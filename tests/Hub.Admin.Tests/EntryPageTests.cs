using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Testing;
using Microsoft.Playwright;

namespace Hub.Admin.Tests;

/// <summary>The entry page: its player outliving its signed link, what Save shows, and where things sit.</summary>
[Collection(AdminCollection.Name)]
public sealed class EntryPageTests(AdminFixture hub)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Player_AfterItsLinkExpires_SignsANewOne_AndSeeksOn_PausedOrPlaying(bool playing)
    {
        // The big clip (3 MB): a seek far into it needs a new range request, which an expired link gets refused.
        var name = $"expiring-{playing}.mp4";
        hub.Site.MapFile(name, await TestMedia.VariantAsync(await TestMedia.BigVideoAsync(), "admin-" + name), "video/mp4");
        var entry = (await hub.ImportAndWaitAsync(name)).GetProperty("entryId").GetGuid();
        var page = await hub.SignedInPageAsync(1366, 768);
        var signed = 0;
        // The first link the page signs lasts 2 s instead of 6 h; later ones are left as the page asks.
        await page.RouteAsync("**/api/v1/entries/*/links", async route =>
        {
            if (Interlocked.Increment(ref signed) == 1)
            {
                await route.ContinueAsync(new() { PostData = Encoding.UTF8.GetBytes("""{"kind":"stream","ttlSeconds":2}""") });
            }
            else
            {
                await route.ContinueAsync();
            }
        });
        var refused = 0;
        page.Response += (_, r) => { if (r.Url.Contains("/s/", StringComparison.Ordinal) && r.Status == 403) Interlocked.Increment(ref refused); };
        await AdminPages.OpenAsync(page, $"entry/{entry}");
        var first = await page.EvalOnSelectorAsync<string>("#player", """
            async (m) => {
              if (m.readyState < 1) await new Promise((r) => m.addEventListener('loadedmetadata', r, { once: true }));
              return m.src;
            }
            """);
        await page.WaitForTimeoutAsync(3500); // expiry is in whole seconds: past it for sure

        await page.EvalOnSelectorAsync("#player", "(m, playing) => { m.muted = true; m.currentTime = 15; if (playing) m.play().catch(() => {}); }", playing);
        await page.WaitForFunctionAsync($$"""
            () => { const m = document.getElementById('player');
              return m.src !== {{JsonSerializer.Serialize(first)}} && m.readyState >= 2 && !m.seeking
                && ({{(playing ? "true" : "false")}} ? m.currentTime > 15.3 && m.currentTime < 17 : Math.abs(m.currentTime - 15) < 1); }
            """, null, new() { Timeout = 20000 });
        Assert.True(refused > 0, "the old link was never refused: the test did not exercise an expired link");
        Assert.Equal(!playing, await page.EvalOnSelectorAsync<bool>("#player", "m => m.paused"));
        Assert.Equal(0, await page.Locator("#player-problem .error-box").CountAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Player_WhenNoNewLinkCanBeSigned_SaysWhatToDo()
    {
        var page = await hub.SignedInPageAsync(390, 844);
        var signed = 0;
        // The page's link is refused (as an expired one is), and when it asks for a new one Hub does not answer.
        await page.RouteAsync("**/api/v1/entries/*/links", route =>
            Interlocked.Increment(ref signed) == 1 ? route.ContinueAsync() : route.AbortAsync("connectionrefused"));
        await page.RouteAsync("**/s/**", route => route.FulfillAsync(new() { Status = 403 }));
        await AdminPages.OpenAsync(page, $"entry/{hub.VideoEntry}");
        var problem = page.Locator("#player-problem [role=alert]");
        await Assertions.Expect(problem).ToContainTextAsync("a new one could not be made", new() { Timeout = 15000 });
        await Assertions.Expect(problem).ToContainTextAsync("reload the page");
        await Assertions.Expect(problem.Locator("button")).ToHaveTextAsync("Try again");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Save_ShowsTheSavedTitleAndTags_InTheHeadingTheTabAndTheFields_WithTheToastClearOfTheControls()
    {
        hub.Site.MapFile("renamed.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "admin-renamed"), "video/mp4");
        var entry = (await hub.ImportAndWaitAsync("renamed.mp4")).GetProperty("entryId").GetGuid();
        var before = (await hub.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{entry}")).GetProperty("title").GetString();
        var page = await hub.SignedInPageAsync(390, 844);
        await AdminPages.OpenAsync(page, $"entry/{entry}");
        Assert.Equal($"{before} · Hub", await page.TitleAsync());

        var title = "Renamed " + Guid.NewGuid().ToString("N")[..6];
        await page.FillAsync("#edit-title", title);
        await page.FillAsync("#edit-tags", "Rock, live music , ,été");
        // As the person had it: the Add (to playlist) button at the bottom of the screen, Save above it.
        await page.EvalOnSelectorAsync("#add-to-playlist", "b => b.scrollIntoView({ block: 'end' })");
        await page.ClickAsync("#h-edit ~ form button[type=submit]");
        await Assertions.Expect(page.Locator("#toast")).ToHaveTextAsync("Saved");

        await Assertions.Expect(page.Locator("#view h1")).ToHaveTextAsync(title);
        Assert.Equal($"{title} · Hub", await page.TitleAsync());
        await Assertions.Expect(page.Locator("#edit-tags")).ToHaveValueAsync("Rock, live music, été");
        var saved = await hub.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{entry}");
        Assert.Equal(["Rock", "live music", "été"], saved.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));

        var toast = await Box(page, "#toast");
        foreach (var control in new[] { "#h-edit ~ form button[type=submit]", "#edit-tags", "#add-to-playlist", "#add-playlist" })
        {
            Assert.False(Overlaps(toast, await Box(page, control)), $"the toast covers {control}");
        }
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Layout_OnALaptop_KeepsTheEditPanelOffThePlayer()
    {
        var page = await hub.SignedInPageAsync(1280, 800);
        await AdminPages.OpenAsync(page, $"entry/{hub.VideoEntry}");
        var player = await Box(page, ".player-box");
        var edit = await Box(page, "section[aria-labelledby=h-edit]");
        Assert.True(edit.Y - (player.Y + player.Height) >= 12, $"the Edit panel starts {edit.Y - (player.Y + player.Height)} px below the player");
        await page.Context.CloseAsync();
    }

    private static async Task<LocatorBoundingBoxResult> Box(IPage page, string selector) =>
        await page.Locator(selector).First.BoundingBoxAsync() ?? throw new InvalidOperationException($"{selector} is not shown");

    private static bool Overlaps(LocatorBoundingBoxResult a, LocatorBoundingBoxResult b) =>
        a.X < b.X + b.Width && b.X < a.X + a.Width && a.Y < b.Y + b.Height && b.Y < a.Y + a.Height;
}
