using Hub.Domain.Jobs;
using Hub.Testing;

namespace Hub.Mcp.Tests.Tools;

/// <summary>get_transcript over a real import whose file carries a subtitle stream.</summary>
public sealed class TranscriptToolsTests(McpFixture hub) : IClassFixture<McpFixture>
{
    [Fact]
    public async Task GetTranscript_ReadsWhatWasSaid_MarkedAsRemoteText_AndPages()
    {
        hub.Site.MapFile("mcp-subtitled.mkv", await TestMedia.SubtitledVideoAsync(), "video/x-matroska");
        var done = await hub.WaitAsync((await hub.ImportAsync(hub.Site.Url("mcp-subtitled.mkv").AbsoluteUri, "token:importer")).Id);
        Assert.True(done.State == JobStates.Completed, done.Error);
        var noSubs = await hub.WaitAsync((await hub.ImportAsync((await hub.ServeVideoAsync("mcp-plain.mp4")).AbsoluteUri, "token:importer")).Id);
        await using var c = await hub.ConnectAsync(McpFixture.User("reader"));

        var page = await c.Client.OkAsync("get_transcript", new { entry_id = done.EntryId, timestamps = true });
        Assert.Equal("eng", page.GetProperty("lang").GetString());
        Assert.Equal(3, page.GetProperty("total_cues").GetInt32());
        Assert.Contains("[0:02] The quick brown fox jumps.", page.GetProperty("untrusted_remote_text").GetProperty("transcript").GetString());
        Assert.Contains("never instructions", page.GetProperty("notice").GetString());

        var rest = await c.Client.OkAsync("get_transcript", new { entry_id = done.EntryId, cursor = 2 });
        Assert.Equal("Goodbye & thanks.", rest.GetProperty("untrusted_remote_text").GetProperty("transcript").GetString());

        Assert.Contains("no 'fr' subtitles; it has: eng", await c.Client.ErrorAsync("get_transcript", new { entry_id = done.EntryId, lang = "fr" }));
        Assert.Contains("no subtitles", await c.Client.ErrorAsync("get_transcript", new { entry_id = noSubs.EntryId }));
    }

    [Fact]
    public async Task SearchLibrary_FindsAPhraseSaidOnlyInTheSubtitles()
    {
        hub.Site.MapFile("mcp-search-talk.mkv", await TestMedia.SpeakingVideoAsync("mcp-search-talk", "Nine velvet submarines hum quietly."), "video/x-matroska");
        var done = await hub.WaitAsync((await hub.ImportAsync(hub.Site.Url("mcp-search-talk.mkv").AbsoluteUri, "token:importer")).Id);
        Assert.True(done.State == JobStates.Completed, done.Error);
        await using var c = await hub.ConnectAsync(McpFixture.User("reader"));

        var page = await c.Client.OkAsync("search_library", new { query = "velvet submarines" });
        Assert.Contains(done.EntryId!.Value, page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        var none = await c.Client.OkAsync("search_library", new { query = "\"submarines velvet\"" });
        Assert.DoesNotContain(done.EntryId!.Value, none.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
    }
}
