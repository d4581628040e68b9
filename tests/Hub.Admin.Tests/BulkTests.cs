using System.Text.Json;
using Hub.Testing;
using Microsoft.Playwright;

namespace Hub.Admin.Tests;

/// <summary>What acts on many at once: retry or delete failed jobs, delete ticked ones, approve or reject several inbox items; and subtitle tracks.</summary>
[Collection(AdminCollection.Name)]
public sealed class BulkTests(AdminFixture hub)
{
    [Fact]
    public async Task Jobs_RetryAllFailed_PutsEveryFailedJobBackInLine()
    {
        // Two links that fail (nothing there yet); then the files appear, so the retries can succeed.
        var names = new[] { "later-a.mp4", "later-b.mp4" };
        var ids = new List<Guid>();
        foreach (var name in names)
        {
            ids.Add((await hub.ImportAsync(name)).GetProperty("id").GetGuid());
        }
        foreach (var id in ids)
        {
            await hub.WaitForJobAsync(id, "failed");
        }
        var clip = await TestMedia.VideoAsync();
        foreach (var name in names)
        {
            hub.Site.MapFile(name, await TestMedia.VariantAsync(clip, "admin-" + name), "video/mp4");
        }

        var page = await hub.SignedInPageAsync(1366, 768);
        await AdminPages.OpenAsync(page, "jobs");
        await page.SelectOptionAsync("#job-state", "failed");
        foreach (var id in ids)
        {
            await page.WaitForSelectorAsync($"[data-job='{id}'][data-state=failed]");
        }
        await page.ClickAsync("#retry-all");
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("back in line");
        foreach (var id in ids)
        {
            Assert.Equal("completed", (await hub.WaitForJobAsync(id, "completed", "failed")).GetProperty("state").GetString());
        }
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Jobs_DeleteSelected_ThenDeleteAllFailed_RemoveTheJobs_AndKeepTheirEntries()
    {
        hub.Site.MapFile("delete-done.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "admin-delete-done"), "video/mp4");
        var done = await hub.ImportAndWaitAsync("delete-done.mp4");
        var entry = done.GetProperty("entryId").GetGuid();
        var failed = new List<Guid>();
        foreach (var name in new[] { "delete-gone-1.mp4", "delete-gone-2.mp4" }) // nothing there: they fail
        {
            failed.Add((await hub.WaitForJobAsync((await hub.ImportAsync(name)).GetProperty("id").GetGuid(), "failed")).GetProperty("id").GetGuid());
        }
        var ticked = new[] { done.GetProperty("id").GetGuid(), failed[0] };

        var page = await hub.SignedInPageAsync(390, 844);
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await AdminPages.OpenAsync(page, "jobs");
        Assert.True(await page.IsDisabledAsync("#jobs-delete-selected")); // nothing ticked yet
        foreach (var id in ticked)
        {
            await page.CheckAsync($"[data-job='{id}'] input[data-select]");
        }
        await Assertions.Expect(page.Locator("#jobs-delete-selected")).ToHaveTextAsync("Delete 2 selected");
        await page.ClickAsync("#jobs-delete-selected");
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("2 jobs deleted");
        foreach (var id in ticked)
        {
            await Assertions.Expect(page.Locator($"[data-job='{id}']")).ToHaveCountAsync(0);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await hub.Admin.GetAsync($"/api/v1/jobs/{id}")).StatusCode);
        }
        Assert.Equal(System.Net.HttpStatusCode.OK, (await hub.Admin.GetAsync($"/api/v1/entries/{entry}")).StatusCode); // the import's entry stays

        await Assertions.Expect(page.Locator($"[data-job='{failed[1]}']")).ToHaveCountAsync(1);
        await page.ClickAsync("#jobs-delete-failed");
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("deleted");
        await Assertions.Expect(page.Locator($"[data-job='{failed[1]}']")).ToHaveCountAsync(0);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await hub.Admin.GetAsync($"/api/v1/jobs/{failed[1]}")).StatusCode);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Inbox_ApprovesSeveralAtOnce_AndRejectsSeveral()
    {
        var clip = await TestMedia.VideoAsync();
        var ids = new List<Guid>();
        foreach (var name in new[] { "bulk-1.mp4", "bulk-2.mp4", "bulk-3.mp4" })
        {
            hub.Site.MapFile(name, await TestMedia.VariantAsync(clip, "admin-" + name), "video/mp4");
            ids.Add((await hub.ImportAsync(name, mode: "review")).GetProperty("id").GetGuid());
        }
        foreach (var id in ids)
        {
            await hub.WaitForJobAsync(id, "awaiting_review");
        }
        var page = await hub.SignedInPageAsync(390, 844);
        await AdminPages.OpenAsync(page, "inbox");
        Assert.True(await page.IsDisabledAsync("#inbox-approve-selected")); // nothing ticked yet
        foreach (var id in ids.Take(2))
        {
            await page.CheckAsync($"[data-job='{id}'] input[data-select]");
        }
        await Assertions.Expect(page.Locator("#inbox-approve-selected")).ToHaveTextAsync("Approve 2 selected");
        await page.ClickAsync("#inbox-approve-selected");
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("2 approved");
        await Assertions.Expect(page.Locator($"[data-job='{ids[0]}']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator($"[data-job='{ids[1]}']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator($"[data-job='{ids[2]}']")).ToHaveCountAsync(1);
        foreach (var id in ids.Take(2))
        {
            Assert.Equal("completed", (await hub.WaitForJobAsync(id, "completed", "failed")).GetProperty("state").GetString());
        }

        // The one left, rejected the same way.
        await page.CheckAsync($"[data-job='{ids[2]}'] input[data-select]");
        await page.ClickAsync("#inbox-reject-selected");
        await Assertions.Expect(page.Locator($"[data-job='{ids[2]}']")).ToHaveCountAsync(0);
        var rejected = await hub.WaitForJobAsync(ids[2], "cancelled", "failed", "completed");
        Assert.NotEqual("completed", rejected.GetProperty("state").GetString());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Player_ShowsSubtitleTracks_ThatLoadUnderTheCsp()
    {
        hub.Site.MapFile("admin-subtitled.mkv", await TestMedia.SubtitledVideoAsync(), "video/x-matroska");
        var job = await hub.ImportAndWaitAsync("admin-subtitled.mkv");
        var entry = job.GetProperty("entryId").GetGuid();
        var page = await hub.SignedInPageAsync(1366, 768);
        var refused = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal)) lock (refused) refused.Add(m.Text); };
        await AdminPages.OpenAsync(page, $"entry/{entry}");
        var track = page.Locator("#player track");
        await Assertions.Expect(track).Not.ToHaveCountAsync(0);
        Assert.StartsWith("blob:", await track.First.GetAttributeAsync("src"));
        // The cues arrive: the track was fetched and parsed (a CSP refusal would leave it empty, readyState 3 = error).
        var cues = await track.First.EvaluateAsync<int>("""
            async (t) => {
              t.track.mode = 'showing';
              for (let i = 0; i < 100 && t.readyState < 2; i++) await new Promise((r) => setTimeout(r, 100));
              return t.readyState === 2 ? t.track.cues.length : -t.readyState;
            }
            """);
        Assert.True(cues > 0, $"track readyState/cues: {cues}");
        lock (refused) Assert.Empty(refused);
        await page.Context.CloseAsync();
    }
}
