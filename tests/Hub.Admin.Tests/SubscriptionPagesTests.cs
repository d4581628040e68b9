using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Hub.Admin.Tests;

/// <summary>
/// The Subscriptions page (follow a loopback podcast feed with "the newest few", see its counts, pause, resume, check
/// delete) and the Notifications page (add a webhook aimed at a loopback receiver, send a test, see the delivery,
/// edit, see a failing target among the failures, delete), each also checked by axe with content on it.
/// </summary>
[Collection(AdminCollection.Name)]
public sealed class SubscriptionPagesTests(AdminFixture hub)
{
    [Fact]
    public async Task Subscriptions_FollowAFeed_FromTheLastItems_PauseResumeCheckAndDelete()
    {
        hub.Site.MapFile("sub-ep1.mp4", await Hub.Testing.TestMedia.VariantAsync(await Hub.Testing.TestMedia.VideoAsync(), "admin-sub-ep1"), "video/mp4");
        hub.Site.MapFile("sub-ep2.mp4", await Hub.Testing.TestMedia.VariantAsync(await Hub.Testing.TestMedia.VideoAsync(), "admin-sub-ep2"), "video/mp4");
        hub.Site.MapText("admin-feed.rss", $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>Admin Loopback Radio</title>
              <item><title>Old episode</title><guid>adm-1</guid><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate>
                <enclosure url="{hub.Site.Url("sub-ep1.mp4")}" type="video/mp4"/></item>
              <item><title>New episode</title><guid>adm-2</guid><pubDate>Mon, 09 Nov 2026 10:00:00 GMT</pubDate>
                <enclosure url="{hub.Site.Url("sub-ep2.mp4")}" type="video/mp4"/></item>
            </channel></rss>
            """, "application/rss+xml");
        var page = await hub.SignedInPageAsync(390, 844, "dark");
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await AdminPages.OpenAsync(page, "subscriptions");

        await page.GetByLabel("Link").FillAsync(hub.Site.Url("admin-feed.rss").ToString());
        await page.GetByLabel("Name").FillAsync("Admin radio");
        await page.GetByLabel("The newest few items").CheckAsync();
        await page.GetByLabel("How many").FillAsync("1");
        await page.Locator("#sub-media-server").SelectOptionAsync("on");
        await page.GetByRole(AriaRole.Button, new() { Name = "Follow" }).ClickAsync();
        var card = page.Locator("#subscription-list article", new() { HasText = "Admin radio" });
        await Assertions.Expect(card).ToHaveCountAsync(1);
        await Assertions.Expect(card).ToContainTextAsync("the last 1");

        // Check now rather than wait for the minute's tick: the first check imports the newest item only.
        await card.GetByRole(AriaRole.Button, new() { Name = "Check now" }).ClickAsync();
        var sub = await WaitAsync("Admin radio", s => s.GetProperty("itemsImported").GetInt32() > 0);
        Assert.Equal(1, sub.GetProperty("itemsImported").GetInt32());
        await ReloadAsync(page);
        card = page.Locator("#subscription-list article", new() { HasText = "Admin radio" });
        await Assertions.Expect(card.Locator("dd").Nth(3)).ToHaveTextAsync("1"); // Imported
        Assert.True(await AdminPages.FitsWidthAsync(page), "the Subscriptions page scrolls sideways at 390 px with a subscription listed");
        // Its .nfo/poster choice, made in the form, shows on its card and goes back to Hub's setting from there.
        Assert.Equal("on", sub.GetProperty("mediaServerFiles").GetString());
        var mediaServer = card.GetByLabel("Media-server files");
        await Assertions.Expect(mediaServer).ToHaveValueAsync("on");
        await mediaServer.SelectOptionAsync("default");
        Assert.Equal("default", (await WaitAsync("Admin radio", s => s.GetProperty("mediaServerFiles").GetString() == "default")).GetProperty("mediaServerFiles").GetString());
        await AssertNoSeriousAxeFindingsAsync(page);

        await card.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Assertions.Expect(card).ToContainTextAsync("Paused");
        Assert.True((await WaitAsync("Admin radio", s => s.GetProperty("paused").GetBoolean())).GetProperty("paused").GetBoolean());
        await card.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "Pause" })).ToBeVisibleAsync();

        await card.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(card).ToHaveCountAsync(0);
        Assert.DoesNotContain((await hub.Admin.GetFromJsonAsync<JsonElement>("/api/v1/subscriptions")).EnumerateArray(),
            s => s.GetProperty("name").GetString() == "Admin radio");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Notifications_AddTestEditAndDelete_AWebhook_AndListFailures()
    {
        var received = new List<string>();
        hub.Site.Map("admin-hook", async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            lock (received) received.Add(body);
            context.Response.StatusCode = 200;
        });
        hub.Site.MapStatus("admin-hook-broken", 500);
        var page = await hub.SignedInPageAsync(1366, 768);
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await AdminPages.OpenAsync(page, "notifications");

        await AddAsync(page, "Phone", hub.Site.Url("admin-hook").ToString(), "ntfy");
        await Assertions.Expect(page.GetByLabel("Signing secret")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(".{16,}"));
        var card = page.Locator("#webhook-list article", new() { HasText = "Phone" });
        await Assertions.Expect(card).ToContainTextAsync("ntfy");

        await card.GetByRole(AriaRole.Button, new() { Name = "Send test" }).ClickAsync();
        for (var i = 0; i < 100 && received.Count == 0; i++) await Task.Delay(100);
        Assert.Single(received);
        // The delivery is logged once the receiver's answer is in, a moment after the body arrived.
        await WaitForDeliveryAsync("Phone", "delivered");
        await ReloadAsync(page);
        await Assertions.Expect(card.Locator(".delivery[data-outcome=delivered]")).ToHaveCountAsync(1, new() { Timeout = 15_000 });

        await card.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        await card.GetByLabel("Name").FillAsync("Phone (ntfy)");
        await card.GetByLabel("Disk space is low").CheckAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        card = page.Locator("#webhook-list article", new() { HasText = "Phone (ntfy)" });
        await Assertions.Expect(card).ToContainTextAsync("Disk space is low");

        // A receiver answering 500: the test delivery is retried and listed among the failures.
        await AddAsync(page, "Broken", hub.Site.Url("admin-hook-broken").ToString(), "discord");
        var broken = page.Locator("#webhook-list article", new() { HasText = "Broken" });
        await broken.GetByRole(AriaRole.Button, new() { Name = "Send test" }).ClickAsync();
        await WaitForDeliveryAsync("Broken", "retrying");
        await ReloadAsync(page);
        await Assertions.Expect(page.Locator("#delivery-failures .delivery", new() { HasText = "Broken" }).First).ToContainTextAsync("HTTP 500");
        await AssertNoSeriousAxeFindingsAsync(page);

        foreach (var name in new[] { "Phone (ntfy)", "Broken" })
        {
            await page.Locator("#webhook-list article", new() { HasText = name }).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await Assertions.Expect(page.Locator("#webhook-list article", new() { HasText = name })).ToHaveCountAsync(0);
        }
        Assert.Empty((await hub.Admin.GetFromJsonAsync<JsonElement>("/api/v1/webhooks")).EnumerateArray());
        await page.Context.CloseAsync();
    }

    /// <summary>Waits until the webhook's delivery log (the API the page reads) has an attempt with that outcome.</summary>
    private async Task WaitForDeliveryAsync(string webhook, string outcome)
    {
        for (var i = 0; i < 300; i++)
        {
            var hook = (await hub.Admin.GetFromJsonAsync<JsonElement>("/api/v1/webhooks")).EnumerateArray()
                .First(w => w.GetProperty("name").GetString() == webhook);
            var deliveries = await hub.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{hook.GetProperty("id").GetGuid()}/deliveries");
            if (deliveries.EnumerateArray().Any(d => d.GetProperty("outcome").GetString() == outcome)) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"no {outcome} delivery for {webhook} within 30 s");
    }

    /// <summary>Renders the page again (opening the same hash again would change nothing).</summary>
    private static async Task ReloadAsync(IPage page)
    {
        await page.ReloadAsync();
        await AdminPages.OpenAsync(page, page.Url.Split('#')[1]);
    }

    private static async Task AddAsync(IPage page, string name, string url, string format)
    {
        var form = page.Locator("section[aria-labelledby=h-add] form");
        await form.GetByLabel("Name").FillAsync(name);
        await form.GetByLabel("URL").FillAsync(url);
        await form.GetByLabel("Format").SelectOptionAsync(format);
        await form.GetByRole(AriaRole.Button, new() { Name = "Add webhook" }).ClickAsync();
        await Assertions.Expect(page.Locator("#webhook-list article", new() { HasText = name })).ToHaveCountAsync(1);
    }

    private async Task<JsonElement> WaitAsync(string name, Func<JsonElement, bool> done)
    {
        var until = DateTime.UtcNow.AddSeconds(90);
        JsonElement sub = default;
        while (DateTime.UtcNow < until)
        {
            sub = (await hub.Admin.GetFromJsonAsync<JsonElement>("/api/v1/subscriptions")).EnumerateArray().FirstOrDefault(s => s.GetProperty("name").GetString() == name);
            if (sub.ValueKind == JsonValueKind.Object && done(sub)) return sub;
            await Task.Delay(250);
        }
        throw new TimeoutException($"subscription {name} did not get there: {sub}");
    }

    private static async Task AssertNoSeriousAxeFindingsAsync(IPage page)
    {
        var axe = await page.RunAxe(new AxeRunOptions { ResultTypes = [ResultType.Violations] });
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target)))}")));
    }
}
