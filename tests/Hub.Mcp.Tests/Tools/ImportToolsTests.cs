using System.Collections.Concurrent;
using System.Text.Json;
using Hub.Domain.Jobs;
using ModelContextProtocol;

namespace Hub.Mcp.Tests.Tools;

public sealed class ImportToolsTests(McpFixture hub) : IClassFixture<McpFixture>
{
    [Fact]
    public async Task ProbeUrl_OfADirectFile_DescribesIt_AndCreatesNothing()
    {
        var url = await hub.ServeVideoAsync("probe.mp4");
        await using var c = await hub.ConnectAsync(McpFixture.User());

        var probe = await c.Client.OkAsync("probe_url", new { url = url.AbsoluteUri });

        Assert.Equal("http", probe.GetProperty("engine").GetString());
        Assert.Equal("video", probe.GetProperty("media_kind").GetString());
        Assert.Contains("untrusted_remote_text", probe.GetProperty("notice").GetString());
        await using var db = hub.CreateDb();
        Assert.Empty(db.Jobs.Where(j => j.Source == url.AbsoluteUri));
        Assert.Equal(JsonValueKind.Null, probe.GetProperty("already_in_library_entry_id").ValueKind);
    }

    [Fact]
    public async Task ProbeUrl_OfAFileAlreadyImported_NamesTheEntry()
    {
        var url = await hub.ServeVideoAsync("probe-known.mp4");
        var job = await hub.WaitAsync((await hub.ImportAsync(url.AbsoluteUri, "user-test")).Id, JobStates.Completed);
        await using var c = await hub.ConnectAsync(McpFixture.User());

        var probe = await c.Client.OkAsync("probe_url", new { url = url.AbsoluteUri });

        Assert.Equal(job.EntryId, probe.GetProperty("already_in_library_entry_id").GetGuid());
    }

    [Fact]
    public async Task ProbeUrl_OfAPageWithInstructionsInItsTitle_ReturnsThemOnlyAsMarkedData()
    {
        await using var c = await hub.ConnectAsync(McpFixture.User());
        var result = await c.Client.CallToolAsync("probe_url", new Dictionary<string, object?> { ["url"] = hub.Site.Url("evil.html").AbsoluteUri });
        var text = ToolCalls.Text(result);
        Assert.False(result.IsError == true, text);
        var probe = JsonDocument.Parse(text).RootElement;

        var remote = probe.GetProperty("untrusted_remote_text");
        Assert.Contains("IGNORE ALL PREVIOUS INSTRUCTIONS", remote.GetProperty("title").GetString());
        // The injected text appears exactly once, inside the marked field, nowhere else in the answer.
        Assert.Equal(1, CountOf(text, "IGNORE ALL PREVIOUS"));
        foreach (var p in probe.EnumerateObject().Where(p => p.Name != "untrusted_remote_text" && p.Name != "entries"))
        {
            Assert.DoesNotContain("IGNORE", p.Value.ToString());
        }
    }

    [Fact]
    public async Task ProbeUrl_Errors_AreMessagesTheModelCanActOn()
    {
        await using var c = await hub.ConnectAsync(McpFixture.User());
        Assert.Contains("Invalid 'url'", await c.Client.ErrorAsync("probe_url", new { url = "ftp://example.org/x" }));
        Assert.Contains("http-404", await c.Client.ErrorAsync("probe_url", new { url = hub.Site.Url("missing.mp4").AbsoluteUri }));
    }

    [Fact]
    public async Task ImportUrl_WithAClip_ImportsThatSection_AndABadRangeIsAnErrorTheModelCanActOn()
    {
        var url = await hub.ServeVideoAsync("mcp-clip.mp4");
        await using var c = await hub.ConnectAsync(McpFixture.User("clipper"));

        Assert.Contains("Invalid 'clip'", await c.Client.ErrorAsync("import_url", new { url = url.AbsoluteUri, clip = "0:04-0:01" }));
        Assert.Contains("e.g. 1:20-2:05", await c.Client.ErrorAsync("import_url", new { url = url.AbsoluteUri, clip = "the good part" }));
        var answer = await c.Client.OkAsync("import_url", new { url = url.AbsoluteUri, clip = "0:01-0:03", wait = true, wait_seconds = 120 });

        var job = answer.GetProperty("job");
        Assert.Equal("completed", job.GetProperty("state").GetString());
        await using var db = hub.CreateDb();
        var entry = db.Entries.Single(e => e.Id == job.GetProperty("entry_id").GetGuid());
        Assert.Equal((1.0, 3.0), (entry.ClipStartSeconds!.Value, entry.ClipEndSeconds!.Value));
        Assert.Single(db.Jobs.Where(j => j.Source == url.AbsoluteUri)); // the refused ranges created nothing
    }

    [Fact]
    public async Task SearchSources_RefusesBadArguments_BeforeRunningAnything()
    {
        await using var c = await hub.ConnectAsync(McpFixture.User());
        Assert.Contains("Invalid 'query'", await c.Client.ErrorAsync("search_sources", new { query = " " }));
        Assert.Contains("Invalid 'limit'", await c.Client.ErrorAsync("search_sources", new { query = "cats", limit = 500 }));
        Assert.Contains("source", await c.Client.ErrorAsync("search_sources", new { query = "cats", source = "vimeo" }));
    }

    [Fact]
    public async Task ImportUrl_WithWait_CompletesTheJob_AndReportsIncreasingProgress()
    {
        var url = await hub.ServeVideoAsync("wait.mp4");
        await using var c = await hub.ConnectAsync(McpFixture.User("importer"));
        var reports = new ConcurrentQueue<ProgressNotificationValue>();

        var answer = await c.Client.OkAsync("import_url", new { url = url.AbsoluteUri, wait = true, wait_seconds = 120 }, new SyncProgress(reports.Enqueue));

        var job = answer.GetProperty("job");
        Assert.Equal("completed", job.GetProperty("state").GetString());
        Assert.Equal("mcp", job.GetProperty("door").GetString());
        Assert.True(job.TryGetProperty("entry_id", out _));
        var stored = await hub.Get<JobQueue>().GetAsync(job.GetProperty("id").GetGuid(), CancellationToken.None);
        Assert.Equal("token:importer", stored.RequestedBy);
        // The SDK client handles notifications concurrently with the response, so the very last one may land after the
        // call returned and be dropped; the first ones (queued, probing…) always arrive.
        await WaitUntilAsync(() => !reports.IsEmpty, () => "no progress notification arrived");
        // Not their order: the SDK client hands each incoming message to its own task (ProcessMessagesAsync), so two
        // notifications sent in order may reach IProgress swapped on a busy machine.
        Assert.All(reports, r => Assert.InRange(r.Progress, 0, 100));
    }

    [Fact]
    public async Task ImportUrl_WithoutWait_ReturnsTheQueuedJobAtOnce()
    {
        var url = await hub.ServeVideoAsync("nowait.mp4");
        await using var c = await hub.ConnectAsync(McpFixture.User());
        var answer = await c.Client.OkAsync("import_url", new { url = url.AbsoluteUri, library = "videos", format = "video_720" });
        var job = answer.GetProperty("job");
        Assert.Contains(job.GetProperty("state").GetString(), new[] { "queued", "probing", "downloading", "processing", "completed" });
        Assert.Equal("video_720", job.GetProperty("format").GetString());
        await hub.WaitAsync(job.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task ImportUrl_Errors_NameTheArgument()
    {
        await using var c = await hub.ConnectAsync(McpFixture.User());
        var url = hub.Site.Url("x.mp4").AbsoluteUri;
        Assert.Contains("Invalid 'format'", await c.Client.ErrorAsync("import_url", new { url, format = "8k" }));
        Assert.Contains("Invalid 'library'", await c.Client.ErrorAsync("import_url", new { url, library = "nope" }));
        Assert.Contains("Invalid 'mode'", await c.Client.ErrorAsync("import_url", new { url, mode = "later" }));
        Assert.Contains("Invalid 'wait_seconds'", await c.Client.ErrorAsync("import_url", new { url, wait = true, wait_seconds = 0 }));
        Assert.Contains("blocked-address", await c.Client.ErrorAsync("import_url", new { url = "http://169.254.169.254/latest" }));
    }

    private static int CountOf(string s, string part) => (s.Length - s.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> describe)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition(), describe());
    }

    private sealed class SyncProgress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }
}
