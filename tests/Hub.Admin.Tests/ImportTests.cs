using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
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

        await DropAsync(page, ("small.mp4", await File.ReadAllBytesAsync(small)), ("big.mp4", await File.ReadAllBytesAsync(big)));

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

    /// <summary>
    /// Issue 13's "done when": a zip of clips dropped on the Import page ends as one playable entry per media file (the
    /// text file in it is left out), and the zip's job page lists each file's job with its Open.
    /// </summary>
    [Theory]
    [InlineData(390, 844)]
    [InlineData(1366, 768)]
    public async Task Upload_AZip_BecomesOnePlayableEntryPerMediaFile_ListedOnItsJobPage(int width, int height)
    {
        byte[] zip;
        using (var buffer = new MemoryStream())
        {
            using (var archive = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            {
                System.IO.Compression.ZipFileExtensions.CreateEntryFromFile(archive, await Hub.Testing.TestMedia.VariantAsync(await Hub.Testing.TestMedia.VideoAsync(), $"admin-zip-{width}"), "Zipped Clip.mp4");
                System.IO.Compression.ZipFileExtensions.CreateEntryFromFile(archive, await Hub.Testing.TestMedia.VariantAsync(await Hub.Testing.TestMedia.Mp3Async(), $"admin-zip-{width}"), "songs/Zipped Song.mp3");
                using var readme = new StreamWriter(archive.CreateEntry("readme.txt").Open());
                await readme.WriteAsync("not media");
            }
            zip = buffer.ToArray();
        }
        var page = await hub.SignedInPageAsync(width, height);
        await AdminPages.OpenAsync(page, "import");

        await DropAsync(page, ($"clips-{width}.zip", zip));

        var row = page.Locator($"li[data-file='clips-{width}.zip']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 60000 });
        var href = await row.Locator("a").GetAttributeAsync("href");
        var parent = Guid.Parse(href!["#job/".Length..]);
        await hub.WaitForJobAsync(parent, "completed");

        await AdminPages.OpenAsync(page, $"job/{parent}");
        var parts = page.Locator("#job-parts article.job-card");
        await Assertions.Expect(parts).ToHaveCountAsync(2);
        await Assertions.Expect(parts.Nth(0)).ToContainTextAsync("Zipped Clip");
        await Assertions.Expect(parts.Nth(1)).ToContainTextAsync("Zipped Song");
        Assert.True(await AdminPages.FitsWidthAsync(page), $"the zip's job page scrolls sideways at {width}px");
        var axe = await page.RunAxe(new AxeRunOptions { ResultTypes = [ResultType.Violations] });
        Assert.Empty(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}"));

        // Each file is an entry that plays: Open leads to its player, which loads the media.
        foreach (var (index, kind) in new[] { (0, "video"), (1, "audio") })
        {
            await AdminPages.OpenAsync(page, $"job/{parent}");
            await page.Locator("#job-parts article.job-card").Nth(index).GetByRole(AriaRole.Link, new() { Name = "Open" }).ClickAsync();
            var player = page.Locator($"{kind}#player");
            await Assertions.Expect(player).ToHaveCountAsync(1);
            await page.WaitForFunctionAsync("() => document.getElementById('player').readyState >= 1"); // its metadata arrived
        }
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// One file in 256 KiB chunks (AdminFixture sets Hub:Uploads:ChunkBytes). The connection drops on the fourth chunk: the
    /// row shows it is resuming, asks Hub for its offset and goes on by itself. A proxy then refuses the seventh chunk:
    /// the row fails, and Retry goes on from Hub's offset too. Every chunk reaches Hub exactly once, in order.
    /// </summary>
    [Theory]
    [InlineData(390, 844)]
    [InlineData(1366, 768)]
    public async Task Upload_ConnectionDropsMidFile_ResumesFromTheServersOffset(int width, int height)
    {
        const int chunk = 256 * 1024;
        var path = await Hub.Testing.TestMedia.VariantAsync(await Hub.Testing.TestMedia.BigVideoAsync(), $"admin-upload-resume-{width}");
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.True(bytes.Length > 8 * chunk, $"the test file is only {bytes.Length} bytes");
        var page = await hub.SignedInPageAsync(width, height);
        await AdminPages.OpenAsync(page, "import");

        var reached = new List<long>(); // Upload-Offset of every PATCH that reached Hub
        var interruptions = new List<(long Sent, long OnServer)>();
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var refused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseHead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/api/v1/uploads/*", async route =>
        {
            var request = route.Request;
            if (request.Method == "PATCH")
            {
                var offset = long.Parse((await request.HeaderValueAsync("upload-offset"))!);
                if (reached.Count is 3 or 6 && interruptions.Count == reached.Count / 3 - 1)
                {
                    interruptions.Add((offset, await ServerOffsetAsync(request.Url)));
                    if (interruptions.Count == 1)
                    {
                        await route.AbortAsync("connectionreset");
                        dropped.SetResult();
                    }
                    else
                    {
                        await route.FulfillAsync(new() { Status = 400, ContentType = "application/problem+json",
                            Body = """{"title":"Bad request","detail":"The proxy refused this request."}""" });
                        refused.SetResult();
                    }
                    return;
                }
                reached.Add(offset);
            }
            else if (request.Method == "HEAD" && interruptions.Count == 1)
            {
                await releaseHead.Task; // held until the test has seen the row resuming
            }
            await route.ContinueAsync();
        });
        await DropAsync(page, ("resume.mp4", bytes));
        var row = page.Locator("li[data-file='resume.mp4']");

        await dropped.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "retrying");
        await Assertions.Expect(row.Locator(".job-numbers")).ToContainTextAsync("how much of the file");
        Assert.True(await AdminPages.FitsWidthAsync(page), $"the resuming upload scrolls sideways at {width}px");
        var axe = await page.RunAxe(new AxeRunOptions { ResultTypes = [ResultType.Violations] });
        Assert.Empty(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}"));
        releaseHead.SetResult();

        await refused.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "failed");
        await Assertions.Expect(row.Locator(".job-numbers")).ToContainTextAsync("The proxy refused this request.");
        await row.Locator("button:has-text('Retry')").ClickAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 60000 });

        // Hub had exactly the bytes before each interrupted chunk, and the client went on from there both times.
        Assert.All(interruptions, i => Assert.Equal(i.Sent, i.OnServer));
        Assert.Equal(Enumerable.Range(0, (bytes.Length + chunk - 1) / chunk).Select(i => (long)i * chunk), reached);
        var upload = await hub.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/uploads/{await row.GetAttributeAsync("data-upload")}");
        Assert.Equal(bytes.Length, upload.GetProperty("offset").GetInt64());
        var href = await row.Locator("a").GetAttributeAsync("href");
        Assert.Equal(upload.GetProperty("jobId").GetGuid(), Guid.Parse(href!["#job/".Length..]));
        var job = await hub.WaitForJobAsync(upload.GetProperty("jobId").GetGuid(), "completed");
        var entry = await hub.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{job.GetProperty("entryId").GetGuid()}");
        Assert.Equal(bytes.Length, entry.GetProperty("sizeBytes").GetInt64());
        Assert.Equal(Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), entry.GetProperty("contentHash").GetString());
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// The page is reloaded while a file is half-way up; dropped again (the same file: name, size, last change), it asks
    /// Hub how much it has and sends only the rest into the same upload.
    /// </summary>
    [Fact]
    public async Task Upload_TheSameFileDroppedAgainAfterAReload_GoesOnWhereItStopped()
    {
        const int chunk = 256 * 1024;
        var bytes = await File.ReadAllBytesAsync(await Hub.Testing.TestMedia.VariantAsync(await Hub.Testing.TestMedia.BigVideoAsync(), "admin-upload-reload"));
        var page = await hub.SignedInPageAsync(1366, 768);
        await AdminPages.OpenAsync(page, "import");
        var reached = new List<long>();
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reloaded = false;
        await page.RouteAsync("**/api/v1/uploads/*", async route =>
        {
            if (route.Request.Method == "PATCH")
            {
                if (!reloaded && reached.Count == 3)
                {
                    stalled.TrySetResult();
                    await route.AbortAsync("connectionreset"); // and every try until the page goes away
                    return;
                }
                reached.Add(long.Parse((await route.Request.HeaderValueAsync("upload-offset"))!));
            }
            await route.ContinueAsync();
        });
        await DropAsync(page, ("reload.mp4", bytes));
        var row = page.Locator("li[data-file='reload.mp4']");
        await stalled.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var upload = await row.GetAttributeAsync("data-upload");

        reloaded = true;
        await page.ReloadAsync();
        await AdminPages.OpenAsync(page, "import");
        var posts = 0;
        page.Request += (_, r) => { if (r.Method == "POST" && r.Url.EndsWith("/api/v1/uploads", StringComparison.Ordinal)) posts++; };
        await DropAsync(page, ("reload.mp4", bytes));
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 60000 });

        Assert.Equal(0, posts);
        Assert.Equal(upload, await row.GetAttributeAsync("data-upload"));
        // Three chunks before the reload, the rest after it from Hub's offset: each reached Hub once, in order.
        Assert.Equal(Enumerable.Range(0, (bytes.Length + chunk - 1) / chunk).Select(i => (long)i * chunk), reached);
        var status = await hub.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/uploads/{upload}");
        var job = await hub.WaitForJobAsync(status.GetProperty("jobId").GetGuid(), "completed");
        var entry = await hub.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{job.GetProperty("entryId").GetGuid()}");
        Assert.Equal(Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), entry.GetProperty("contentHash").GetString());
        await page.Context.CloseAsync();
    }

    private async Task<long> ServerOffsetAsync(string uploadUrl)
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, new Uri(uploadUrl).PathAndQuery);
        head.Headers.Add("Tus-Resumable", "1.0.0");
        var response = await hub.Admin.SendAsync(head);
        response.EnsureSuccessStatusCode();
        return long.Parse(response.Headers.GetValues("Upload-Offset").Single());
    }

    /// <summary>Drops files on the Import page's drop zone, as a person dragging them from their desktop would (the same file each time).</summary>
    private static async Task DropAsync(IPage page, params (string Name, byte[] Bytes)[] files) =>
        await page.EvaluateAsync("""
            (files) => {
              const dt = new DataTransfer();
              for (const f of files) {
                const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
                dt.items.add(new File([bytes], f.name, { type: 'video/mp4', lastModified: 1764000000000 }));
              }
              document.getElementById('dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
            }
            """, files.Select(f => new { name = f.Name, data = Convert.ToBase64String(f.Bytes) }).ToArray());
}
