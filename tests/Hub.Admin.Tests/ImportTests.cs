using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Hub.Admin.Tests;

[Collection(AdminCollection.Name)]
public sealed class ImportTests(AdminFixture hub)
{
    [Fact]
    public async Task Search_ShowsResults_AndImportsOne()
    {
        var page = await hub.SignedInPageAsync(390, 844);
        await AdminPages.OpenAsync(page, "import");
        await page.FillAsync("#search-q", "loopback");
        await page.ClickAsync("#search-button");
        var hit = page.Locator(".search-hit").First;
        await Assertions.Expect(hit).ToContainTextAsync("Found On The Loopback Site");
        await hit.Locator("button:has-text('Import')").ClickAsync();
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("Importing");

        var jobs = await hub.Admin.GetFromJsonAsync<JsonElement>("/api/v1/jobs?q=found.mp4");
        var id = jobs.GetProperty("items")[0].GetProperty("id").GetGuid();
        Assert.Equal("web", jobs.GetProperty("items")[0].GetProperty("door").GetString());
        await hub.WaitForJobAsync(id, "completed");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Batch_CheckFirst_SaysWhatWouldHappen_LineByLine()
    {
        var page = await hub.SignedInPageAsync(1366, 768);
        await AdminPages.OpenAsync(page, "import");
        await page.FillAsync("#batch-text", $"{hub.Site.Url("clip.mp4")}\nnot a link\n{hub.Site.Url("clip.mp4")}");
        await page.ClickAsync("#batch-check");
        await Assertions.Expect(page.Locator("#batch-result")).ToContainTextAsync("refused");
        await Assertions.Expect(page.Locator("#batch-result li")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#batch-result li.error")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#batch-result li").Nth(2)).ToContainTextAsync("duplicate");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Upload_TwoDroppedFiles_OneCancelledThenRetried_BothImport()
    {
        var small = await Hub.Testing.TestMedia.VariantAsync(await Hub.Testing.TestMedia.VideoAsync(), "admin-upload-small");
        var big = await Hub.Testing.TestMedia.VariantAsync(await Hub.Testing.TestMedia.BigVideoAsync(), "admin-upload-big");
        var page = await hub.SignedInPageAsync(390, 844);
        await AdminPages.OpenAsync(page, "import");
        // A slow uplink, so the big file is still on its way when Cancel is pressed.
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Network.enable");
        await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false, ["latency"] = 0, ["downloadThroughput"] = -1, ["uploadThroughput"] = 400_000,
        });

        await page.EvaluateAsync("""
            (files) => {
              const dt = new DataTransfer();
              for (const f of files) {
                const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
                dt.items.add(new File([bytes], f.name, { type: 'video/mp4' }));
              }
              document.getElementById('dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
            }
            """, new[] { new { name = "small.mp4", data = Convert.ToBase64String(await File.ReadAllBytesAsync(small)) },
                new { name = "big.mp4", data = Convert.ToBase64String(await File.ReadAllBytesAsync(big)) } });

        var bigRow = page.Locator("li[data-file='big.mp4']");
        await Assertions.Expect(bigRow.Locator(".job-numbers")).ToContainTextAsync("left");
        await bigRow.Locator("button:has-text('Cancel')").ClickAsync();
        await Assertions.Expect(bigRow).ToHaveAttributeAsync("data-state", "failed");
        await Assertions.Expect(page.Locator("li[data-file='small.mp4']")).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 30000 });

        await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false, ["latency"] = 0, ["downloadThroughput"] = -1, ["uploadThroughput"] = -1,
        });
        await bigRow.Locator("button:has-text('Retry')").ClickAsync();
        await Assertions.Expect(bigRow).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 60000 });

        foreach (var row in new[] { bigRow, page.Locator("li[data-file='small.mp4']") })
        {
            var href = await row.Locator("a").GetAttributeAsync("href");
            await hub.WaitForJobAsync(Guid.Parse(href!["#job/".Length..]), "completed");
        }
        await page.Context.CloseAsync();
    }
}
