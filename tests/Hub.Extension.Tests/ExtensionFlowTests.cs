using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hub.Extension.Tests;

/// <summary>The extension in a real Chromium against a real Hub, end to end.</summary>
public sealed class ExtensionFlowTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    private static readonly LocatorAssertionsToContainTextOptions Slow = new() { Timeout = 90_000 };

    [Fact]
    public async Task PairInOptions_ThenPopupProbesDetectsAndSends_TheImportCompletes_AndHubHasTheEntry()
    {
        await fx.SetStorageAsync(new { });
        var code = await (await fx.Admin.PostAsJsonAsync("/api/v1/pairing", new { })).Content.ReadFromJsonAsync<JsonElement>();
        var adminMe = await fx.Admin.GetFromJsonAsync<JsonElement>("/api/v1/me");

        var options = await fx.OpenExtensionPageAsync("options/options.html");
        await options.FillAsync("#address", fx.HubUrl);
        await options.FillAsync("#secret", code.GetProperty("code").GetString()!);
        await options.ClickAsync("#connect-button");
        await Expect(options.Locator("#status")).ToContainTextAsync("(user)", new() { Timeout = 30_000 });
        await Expect(options.Locator("#status")).ToContainTextAsync("Connected as Chrom");
        await Expect(options.Locator("#server-version")).ToContainTextAsync("1.0.0 (API 1)");
        await Expect(options.Locator("#format option[value=audio_mp3]")).ToHaveCountAsync(1);
        await options.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "options.png"), FullPage = true });

        var pageUrl = fx.Site.Url("page.html").AbsoluteUri;
        var (_, tabId) = await fx.OpenTabAsync(pageUrl);
        var popup = await fx.OpenExtensionPageAsync($"popup/popup.html?tab={tabId}");
        await Expect(popup.Locator("#title")).ToContainTextAsync(BrowserFixture.PageTitle, new() { Timeout = 60_000 });
        await Expect(popup.Locator("#found")).ToContainTextAsync(fx.Site.Url("clip.mp4").AbsoluteUri);
        await Expect(popup.Locator("#found")).ToContainTextAsync("other.mp4");
        await Expect(popup.Locator("#state")).ToContainTextAsync("Ready to send.");

        await popup.ClickAsync("#send");
        await Expect(popup.Locator("#state[data-reason=completed]")).ToContainTextAsync("Imported", Slow);
        await Expect(popup.Locator("#play")).ToBeVisibleAsync();
        await Expect(popup.Locator("#progress-box[data-stream=sse]")).ToHaveCountAsync(1); // followed over SSE, no fallback needed
        await Expect(popup.Locator("#job-state")).ToHaveTextAsync("completed · 100%");
        await Expect(popup.Locator("#open-hub")).ToBeVisibleAsync();
        await Expect(popup.Locator("#recent li[data-state=completed] button")).ToHaveTextAsync("Play");
        await popup.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "popup.png"), FullPage = true });

        // Through the API: the job came through the extension's door, for the admin who paired the browser.
        var jobs = await fx.Admin.GetFromJsonAsync<JsonElement>("/api/v1/jobs?door=extension&state=completed");
        var job = jobs.GetProperty("items").EnumerateArray().Single(j => j.GetProperty("source").GetString() == pageUrl);
        Assert.Equal(adminMe.GetProperty("key").GetString(), job.GetProperty("requestedBy").GetString());
        var entry = await fx.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{job.GetProperty("entryId").GetString()}");
        Assert.Equal(pageUrl, entry.GetProperty("sourceUrl").GetString());

        // The worker tells of the end too, although the popup saw it first.
        var note = $"job-{job.GetProperty("id").GetString()}";
        await WaitAsync(async () => (await fx.InWorkerAsync("chrome.notifications.getAll()")).TryGetProperty(note, out _), "the completion notification");

        // Reopened later, the popup knows the page is already in the library.
        var again = await fx.OpenExtensionPageAsync($"popup/popup.html?tab={tabId}");
        await Expect(again.Locator("#state[data-reason=already-in-library]")).ToContainTextAsync("Already in the library", new() { Timeout = 60_000 });
    }

    [Fact]
    public async Task ContextMenuAndShortcut_ImportWithTheDefaults_TheBadgeCounts_AndNotificationsTellTheEnd()
    {
        var (token, _) = await fx.CreateTokenAsync("user");
        await fx.SetStorageAsync(new
        {
            connection = await fx.ConnectionAsync(token),
            defaults = new { library = "", format = "", mode = "review" }, // waiting for review: active until approved
            notifications = true,
        });
        var page = fx.Site.Url("page.html").AbsoluteUri;
        var menuUrl = fx.Site.Url("menu.mp4").AbsoluteUri;
        var shortcutUrl = fx.Site.Url("shortcut.mp4").AbsoluteUri;

        var fromMenu = await fx.InWorkerAsync($"hub.onMenuClicked({{ menuItemId: hub.menuId, mediaType: 'video', srcUrl: '{menuUrl}', pageUrl: '{page}' }}, {{ id: 1, url: '{page}' }})");
        Assert.True(fromMenu.GetProperty("ok").GetBoolean(), fromMenu.ToString());
        var fromShortcut = await fx.InWorkerAsync($"hub.onCommand('send-to-hub', {{ id: 1, url: '{shortcutUrl}' }})");
        Assert.True(fromShortcut.GetProperty("ok").GetBoolean(), fromShortcut.ToString());
        var jobs = new[] { fromMenu, fromShortcut }.Select(r => r.GetProperty("job")).ToList();
        Assert.Equal([menuUrl, shortcutUrl], jobs.Select(j => j.GetProperty("source").GetString()));
        Assert.All(jobs, j => Assert.Equal("extension", j.GetProperty("door").GetString()));
        Assert.All(jobs, j => Assert.Equal("review", j.GetProperty("mode").GetString()));

        await WaitAsync(async () => (await fx.InWorkerAsync("chrome.action.getBadgeText({})")).GetString() == "2", "the badge to count 2 active jobs");

        foreach (var job in jobs)
        {
            await WaitAsync(async () => (await fx.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{job.GetProperty("id").GetString()}"))
                .GetProperty("state").GetString() == "awaiting_review", "the job to wait for review");
            var approved = await fx.Admin.PostAsJsonAsync($"/api/v1/inbox/{job.GetProperty("id").GetString()}/approve", new { });
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }
        foreach (var job in jobs)
        {
            var id = $"job-{job.GetProperty("id").GetString()}";
            await WaitAsync(async () => (await fx.InWorkerAsync("chrome.notifications.getAll()")).TryGetProperty(id, out _), "a notification for " + id,
                diagnose: async () => $"notifications {await fx.InWorkerAsync("chrome.notifications.getAll()")}, sent {await fx.InWorkerAsync("chrome.storage.local.get('sent')")}, job " +
                    await fx.Admin.GetStringAsync($"/api/v1/jobs/{job.GetProperty("id").GetString()}"));
        }
        await WaitAsync(async () => (await fx.InWorkerAsync("chrome.action.getBadgeText({})")).GetString() == "", "the badge to clear");
    }

    [Fact]
    public async Task Refusals_NoToken_RevokedToken_GuardedAddress_Unreachable_EachSaySo()
    {
        var (_, tabId) = await fx.OpenTabAsync(fx.Site.Url("page.html").AbsoluteUri);

        await fx.SetStorageAsync(new { });
        await ExpectReasonAsync(tabId, "not-connected", "Not connected");

        var (token, id) = await fx.CreateTokenAsync("user");
        await fx.SetStorageAsync(new { connection = await fx.ConnectionAsync(token) });
        Assert.Equal(HttpStatusCode.OK, (await fx.Admin.DeleteAsync($"/api/v1/tokens/{id}")).StatusCode);
        await ExpectReasonAsync(tabId, "token-revoked", "no longer accepts");

        var (live, _) = await fx.CreateTokenAsync("user");
        await fx.SetStorageAsync(new { connection = await fx.ConnectionAsync(live) });
        var (_, guardedTab) = await fx.OpenTabAsync(fx.Guarded.Url("page.html").AbsoluteUri);
        var popup = await ExpectReasonAsync(guardedTab, "private-url", "Hub refuses this address");
        await Expect(popup.Locator("#send")).ToBeDisabledAsync();

        await fx.SetStorageAsync(new { connection = new { address = $"http://127.0.0.1:{Hub.Testing.HubProcess.FreePort()}", token = live } });
        await ExpectReasonAsync(tabId, "unreachable", "does not answer");
    }

    private async Task<IPage> ExpectReasonAsync(int tabId, string reason, string text)
    {
        var popup = await fx.OpenExtensionPageAsync($"popup/popup.html?tab={tabId}");
        await Expect(popup.Locator($"#state[data-reason='{reason}']")).ToContainTextAsync(text, new() { Timeout = 60_000 });
        return popup;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what, int seconds = 90, Func<Task<string>>? diagnose = null)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"Waited in vain for {what}. {(diagnose is null ? "" : await diagnose())}");
            await Task.Delay(250);
        }
    }
}
