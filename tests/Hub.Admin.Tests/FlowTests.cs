using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Hub.Admin.Tests;

[Collection(AdminCollection.Name)]
public sealed class FlowTests(AdminFixture hub)
{
    [Fact]
    public async Task Import_PreviewsTheLink_ThenShowsProgressLive_UntilDone()
    {
        var page = await hub.SignedInPageAsync(1366, 768);
        await AdminPages.OpenAsync(page, "import");
        await page.FillAsync("#import-url", hub.Site.Url("slow.mp4").ToString());
        await page.ClickAsync("#probe-button");
        await page.WaitForSelectorAsync("#probe-result .probe");

        await page.ClickAsync("#import-button");
        // Progress arrives over the live stream: a percentage and speed while it downloads, then "Done" with a link.
        await page.WaitForSelectorAsync("#import-job[data-state=downloading] progress", new() { Timeout = 60000 });
        await Assertions.Expect(page.Locator("#import-job .job-numbers")).ToContainTextAsync("/s", new() { Timeout = 30000 });
        await page.WaitForSelectorAsync("#import-job[data-state=completed]", new() { Timeout = 90000 });
        await page.ClickAsync("#import-job a.button");
        await page.WaitForSelectorAsync("#player");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task JobsPage_ShowsANewJob_AndItsEnd_WithoutReloading()
    {
        var page = await hub.SignedInPageAsync(390, 844);
        await AdminPages.OpenAsync(page, "jobs");
        await page.WaitForSelectorAsync("#live-status[data-mode=live]");
        var job = await hub.ImportAsync("page-import.mp4");
        var id = job.GetProperty("id").GetGuid();
        await page.WaitForSelectorAsync($"[data-job='{id}'][data-state=completed]", new() { Timeout = 90000 });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task LiveStream_Reconnects_AfterHubRestarts()
    {
        var page = await hub.SignedInPageAsync(1366, 768);
        await AdminPages.OpenAsync(page, "jobs");
        await page.WaitForSelectorAsync("#live-status[data-mode=live]");
        await hub.StopHubAsync();
        await page.WaitForSelectorAsync("#live-status[data-mode=reconnecting]", new() { Timeout = 30000 });
        await hub.StartHubAsync();
        await page.WaitForSelectorAsync("#live-status[data-mode=live]", new() { Timeout = 60000 });
        // And it is live again: a new job shows up by itself.
        var id = (await hub.ImportAsync("restart.mp4")).GetProperty("id").GetGuid();
        await page.WaitForSelectorAsync($"[data-job='{id}'][data-state=completed]", new() { Timeout = 90000 });
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(false, "VIDEO")]
    [InlineData(true, "AUDIO")]
    public async Task Player_MatchesTheMediaKind_AndSeeks(bool audio, string element)
    {
        var page = await hub.SignedInPageAsync(390, 844);
        await AdminPages.OpenAsync(page, $"entry/{(audio ? hub.AudioEntry : hub.VideoEntry)}");
        Assert.Equal(element, await page.EvalOnSelectorAsync<string>("#player", "e => e.tagName"));
        var at = await page.EvalOnSelectorAsync<double>("#player", """
            async (m) => {
              if (m.readyState < 1) await new Promise((r, j) => { m.onloadedmetadata = r; m.onerror = () => j(new Error('media error ' + m.error?.code)); });
              const seeked = new Promise((r) => { m.onseeked = r; });
              m.currentTime = 2.5;
              await seeked;
              return m.currentTime;
            }
            """);
        Assert.InRange(at, 2.0, 3.0);
        Assert.True(await page.EvalOnSelectorAsync<double>("#player", "m => m.duration") > 3);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Inbox_Approve_FilesTheItem()
    {
        var job = await hub.ImportAsync("review.mp4", mode: "review");
        var id = job.GetProperty("id").GetGuid();
        await hub.WaitForJobAsync(id, "awaiting_review");
        var page = await hub.SignedInPageAsync(390, 844);
        await AdminPages.OpenAsync(page, "inbox");
        var card = page.Locator($"[data-job='{id}']");
        // The suggested library is preselected.
        Assert.NotEqual("", await card.Locator("select").InputValueAsync());
        await card.Locator("button:has-text('Approve')").ClickAsync();
        await Assertions.Expect(card).ToHaveCountAsync(0);
        var done = await hub.WaitForJobAsync(id, "completed", "failed");
        Assert.Equal("completed", done.GetProperty("state").GetString());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Tokens_RevokingTheLastAdminToken_IsRefused_AndThePageSaysWhy()
    {
        var page = await hub.SignedInPageAsync(1366, 768);
        await AdminPages.OpenAsync(page, "tokens");
        var tokens = await hub.Admin.GetFromJsonAsync<JsonElement>("/api/v1/tokens");
        var admin = tokens.EnumerateArray().Single(t => t.GetProperty("role").GetString() == "admin");
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.Locator($"[data-token='{admin.GetProperty("id").GetGuid()}'] button:has-text('Revoke')").ClickAsync();
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("last live admin token");
        Assert.Equal(200, (int)(await hub.Admin.GetAsync("/api/v1/me")).StatusCode);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task JobPage_ShowsTheTimeline_AndADuplicate_LinksTheEntryAlreadyThere()
    {
        var again = await hub.ImportAndWaitAsync("clip.mp4");
        var page = await hub.SignedInPageAsync(1366, 768);
        await AdminPages.OpenAsync(page, $"job/{again.GetProperty("id").GetGuid()}");
        await Assertions.Expect(page.Locator(".timeline li")).Not.ToHaveCountAsync(0);
        var link = page.Locator("a:has-text('Already in the library')").First;
        Assert.Equal($"#entry/{hub.VideoEntry}", await link.GetAttributeAsync("href"));
        await page.Context.CloseAsync();
    }
}
