using System.Text.Json;
using Hub.Domain.Entries;
using Hub.Domain.Jobs;
using ModelContextProtocol.Protocol;

namespace Hub.Mcp.Tests.Tools;

/// <summary>The library, playlists, statistics and links, over entries made by real imports.</summary>
public sealed class EntryToolsTests(McpFixture hub) : IClassFixture<McpFixture>
{
    private async Task<Guid> EntryAsync(string name, string owner = "importer")
    {
        var job = await hub.ImportAsync((await hub.ServeVideoAsync(name)).AbsoluteUri, "token:" + owner);
        var done = await hub.WaitAsync(job.Id);
        Assert.True(done.State == JobStates.Completed, done.Error);
        return done.EntryId!.Value;
    }

    [Fact]
    public async Task SearchLibrary_FindsByTitle_WithTitlesMarkedAsRemote_AndPages()
    {
        var a = await EntryAsync("zebrafinch-one.mp4");
        var b = await EntryAsync("zebrafinch-two.mp4");
        await using var c = await hub.ConnectAsync(McpFixture.User("reader"));

        var first = await c.Client.OkAsync("search_library", new { query = "zebrafinch", limit = 1 });
        var item = first.GetProperty("items")[0];
        Assert.Contains("zebrafinch", item.GetProperty("untrusted_remote_text").GetProperty("title").GetString());
        Assert.False(item.TryGetProperty("title", out _));
        var second = await c.Client.OkAsync("search_library", new { query = "zebrafinch", limit = 1, cursor = first.GetProperty("next_cursor").GetString() });
        Assert.Equal(new[] { a, b }.Order(), new[] { item.GetProperty("id").GetGuid(), second.GetProperty("items")[0].GetProperty("id").GetGuid() }.Order());
        Assert.Contains("Invalid 'library'", await c.Client.ErrorAsync("search_library", new { library = "nope" }));
        Assert.Contains("Invalid 'limit'", await c.Client.ErrorAsync("search_library", new { limit = 1000 }));
        Assert.Equal(0, (await c.Client.OkAsync("search_library", new { query = "nothingmatchesthis" })).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task GetEntry_RecentEntries_AndTheEntryResource()
    {
        var id = await EntryAsync("recent.mp4");
        await using var c = await hub.ConnectAsync(McpFixture.User("reader"));

        var entry = (await c.Client.OkAsync("get_entry", new { entry_id = id })).GetProperty("entry");
        Assert.Equal("video", entry.GetProperty("media_kind").GetString());
        Assert.Contains("Not found", await c.Client.ErrorAsync("get_entry", new { entry_id = Guid.NewGuid() }));
        var recent = await c.Client.OkAsync("list_recent_entries", new { limit = 5, days = 1 });
        Assert.Contains(recent.GetProperty("items").EnumerateArray(), e => e.GetProperty("id").GetGuid() == id);

        var read = await c.Client.ReadResourceAsync($"hub://entries/{id}");
        Assert.Equal(id, JsonDocument.Parse(((TextResourceContents)read.Contents[0]).Text).RootElement.GetProperty("entry").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task GetEntry_AnswersStructuredContentBesideTheText_AndLinksTheEntryResource()
    {
        var id = await EntryAsync("structured.mp4");
        await using var c = await hub.ConnectAsync(McpFixture.User("reader"));

        var result = await c.Client.CallToolAsync("get_entry", new Dictionary<string, object?> { ["entry_id"] = id });
        var structured = Assert.IsType<JsonElement>(result.StructuredContent);
        Assert.Equal(id, structured.GetProperty("entry").GetProperty("id").GetGuid());
        Assert.True(JsonElement.DeepEquals(structured, JsonDocument.Parse(ToolCalls.Text(result)).RootElement));
        var link = Assert.Single(result.Content.OfType<ResourceLinkBlock>());
        Assert.Equal($"hub://entries/{id}", link.Uri);
        Assert.DoesNotContain("structured", link.Name + link.Title + link.Description); // remote titles stay out of the link

        // The link reads: the resource answers the same entry.
        var read = await c.Client.ReadResourceAsync(link.Uri);
        Assert.Equal(id, JsonDocument.Parse(((TextResourceContents)read.Contents[0]).Text).RootElement.GetProperty("entry").GetProperty("id").GetGuid());
        var search = await c.Client.CallToolAsync("list_recent_entries", new Dictionary<string, object?> { ["limit"] = 100 });
        Assert.Contains(search.Content.OfType<ResourceLinkBlock>(), l => l.Uri == link.Uri);
    }

    [Fact]
    public async Task GetStreamLink_GivesASignedPath_AndRefusesBadKinds()
    {
        var id = await EntryAsync("link.mp4");
        await using var c = await hub.ConnectAsync(McpFixture.User("reader"));
        var link = await c.Client.OkAsync("get_stream_link", new { entry_id = id, ttl_minutes = 10 });
        Assert.StartsWith("/s/", link.GetProperty("path").GetString());
        Assert.Contains("PublicUrl", link.GetProperty("message").GetString()); // no Hub:PublicUrl in this fixture: a path only
        Assert.InRange(link.GetProperty("expires_at").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(9), DateTimeOffset.UtcNow.AddMinutes(11));
        Assert.Contains("Invalid 'kind'", await c.Client.ErrorAsync("get_stream_link", new { entry_id = id, kind = "torrent" }));
        Assert.Contains("Not found", await c.Client.ErrorAsync("get_stream_link", new { entry_id = Guid.NewGuid() }));
    }

    [Fact]
    public async Task DeleteEntry_NeedsConfirm_ThenDeletesEntryAndFile()
    {
        var id = await EntryAsync("delete-me.mp4");
        string file;
        await using (var db = hub.CreateDb()) file = db.Entries.Single(e => e.Id == id).FilePath;
        await using var c = await hub.ConnectAsync(McpFixture.Admin);

        Assert.Contains("confirm=true", await c.Client.ErrorAsync("delete_entry", new { entry_id = id }));
        Assert.Contains("confirm=true", await c.Client.ErrorAsync("delete_entry", new { entry_id = id, confirm = false }));
        Assert.True(File.Exists(file));
        await c.Client.CallToolAsync("delete_entry", new Dictionary<string, object?> { ["entry_id"] = id, ["confirm"] = true });
        Assert.False(File.Exists(file));
        Assert.Contains("Not found", await c.Client.ErrorAsync("get_entry", new { entry_id = id }));
    }

    [Fact]
    public async Task Playlists_StaticAndDynamic_OnlyTheCreatorChangesThem()
    {
        var id = await EntryAsync("playlist-item.mp4");
        await using var owner = await hub.ConnectAsync(McpFixture.User("curator"));

        var created = await owner.Client.OkAsync("create_playlist", new { name = "Road trip", description = "for the car" });
        var playlistId = created.GetProperty("id").GetGuid();
        Assert.Equal("static", created.GetProperty("kind").GetString());
        Assert.Contains("position 0 (0 = first)", (await owner.Client.CallToolAsync("add_to_playlist",
            new Dictionary<string, object?> { ["playlist_id"] = playlistId, ["entry_id"] = id })).Content.OfType<TextContentBlock>().Single().Text);
        var detail = await owner.Client.OkAsync("get_playlist", new { playlist_id = playlistId });
        Assert.Equal(id, detail.GetProperty("entries")[0].GetProperty("id").GetGuid());
        Assert.Contains((await owner.Client.OkAsync("list_playlists")).GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetGuid() == playlistId);

        await using var other = await hub.ConnectAsync(McpFixture.User("stranger"));
        Assert.Contains("Not allowed", await other.Client.ErrorAsync("add_to_playlist", new { playlist_id = playlistId, entry_id = id }));
        Assert.Contains("Not allowed", await other.Client.ErrorAsync("move_playlist_item", new { playlist_id = playlistId, entry_id = id, position = 0 }));
        Assert.Contains("Not allowed", await other.Client.ErrorAsync("remove_from_playlist", new { playlist_id = playlistId, entry_id = id }));
        Assert.Contains("Not allowed", await other.Client.ErrorAsync("rename_playlist", new { playlist_id = playlistId, name = "Mine now" }));
        Assert.Contains("Not allowed", await other.Client.ErrorAsync("delete_playlist", new { playlist_id = playlistId }));
        Assert.Equal("Road trip", (await owner.Client.OkAsync("get_playlist", new { playlist_id = playlistId })).GetProperty("playlist").GetProperty("name").GetString());

        var dynamic = await owner.Client.OkAsync("create_playlist", new { name = "All playlist items", kind = "dynamic", query = "playlist" });
        var dynamicEntries = (await owner.Client.OkAsync("get_playlist", new { playlist_id = dynamic.GetProperty("id").GetGuid() })).GetProperty("entries");
        Assert.Contains(dynamicEntries.EnumerateArray(), e => e.GetProperty("id").GetGuid() == id);
        Assert.Contains("Invalid 'kind'", await owner.Client.ErrorAsync("create_playlist", new { name = "x", query = "cats" }));
        Assert.Contains("Invalid", await owner.Client.ErrorAsync("create_playlist", new { name = "" }));
    }

    [Fact]
    public async Task Playlists_TheOwnerRenamesMovesRemovesAndDeletes_AnAdminMayToo()
    {
        var a = await EntryAsync("playlist-a.mp4");
        var b = await EntryAsync("playlist-b.mp4");
        await using var owner = await hub.ConnectAsync(McpFixture.User("keeper"));
        var playlistId = (await owner.Client.OkAsync("create_playlist", new { name = "Keeper's" })).GetProperty("id").GetGuid();
        await owner.Client.OkAsync("add_to_playlist", new { playlist_id = playlistId, entry_id = a });
        await owner.Client.OkAsync("add_to_playlist", new { playlist_id = playlistId, entry_id = b });

        var moved = await owner.Client.OkAsync("move_playlist_item", new { playlist_id = playlistId, entry_id = b, position = 0 });
        Assert.Equal(0, moved.GetProperty("position").GetInt32());
        Assert.Equal([b, a], (await owner.Client.OkAsync("get_playlist", new { playlist_id = playlistId })).GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()));
        await owner.Client.OkAsync("remove_from_playlist", new { playlist_id = playlistId, entry_id = b });
        Assert.Contains("Not found", await owner.Client.ErrorAsync("remove_from_playlist", new { playlist_id = playlistId, entry_id = b }));
        Assert.Equal("Renamed", (await owner.Client.OkAsync("rename_playlist", new { playlist_id = playlistId, name = "Renamed" })).GetProperty("name").GetString());

        await using var admin = await hub.ConnectAsync(McpFixture.Admin);
        Assert.Equal("By admin", (await admin.Client.OkAsync("rename_playlist", new { playlist_id = playlistId, name = "By admin" })).GetProperty("name").GetString());
        await owner.Client.OkAsync("delete_playlist", new { playlist_id = playlistId });
        Assert.Contains("Not found", await owner.Client.ErrorAsync("get_playlist", new { playlist_id = playlistId }));
        await using var db = hub.CreateDb();
        Assert.Equal(2, db.Entries.Count(e => e.Id == a || e.Id == b)); // the entries stay
    }

    [Fact]
    public async Task DeleteEntry_ByItsOwner_IsAllowed_BySomeoneElse_NotAllowed()
    {
        var id = await EntryAsync("owned.mp4", owner: "owner-of-owned");
        await using (var db = hub.CreateDb())
        {
            Assert.Equal("token:owner-of-owned", db.Entries.Single(e => e.Id == id).RequestedBy); // the import recorded who asked
        }
        await using var other = await hub.ConnectAsync(McpFixture.User("not-the-owner"));
        Assert.Contains("Not allowed", await other.Client.ErrorAsync("delete_entry", new { entry_id = id, confirm = true }));
        await using var owner = await hub.ConnectAsync(McpFixture.User("owner-of-owned"));
        await owner.Client.OkAsync("delete_entry", new { entry_id = id, confirm = true });
        Assert.Contains("Not found", await owner.Client.ErrorAsync("get_entry", new { entry_id = id }));
    }

    [Fact]
    public async Task PrivatePlaylist_IsNotFoundForOthers_TheOwnerAndAdminsSeeIt()
    {
        var id = await EntryAsync("private-item.mp4");
        await using var owner = await hub.ConnectAsync(McpFixture.User("diarist"));
        var playlistId = (await owner.Client.OkAsync("create_playlist", new { name = "Diary (mcp)", @private = true })).GetProperty("id").GetGuid();
        await owner.Client.OkAsync("add_to_playlist", new { playlist_id = playlistId, entry_id = id });

        await using var other = await hub.ConnectAsync(McpFixture.User("snoop"));
        Assert.DoesNotContain((await other.Client.OkAsync("list_playlists")).GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetGuid() == playlistId);
        Assert.Contains("Not found", await other.Client.ErrorAsync("get_playlist", new { playlist_id = playlistId }));
        Assert.Contains("Not found", await other.Client.ErrorAsync("rename_playlist", new { playlist_id = playlistId, name = "x" }));
        await using var admin = await hub.ConnectAsync(McpFixture.Admin);
        Assert.True((await admin.Client.OkAsync("get_playlist", new { playlist_id = playlistId })).GetProperty("playlist").GetProperty("private").GetBoolean());

        await owner.Client.OkAsync("rename_playlist", new { playlist_id = playlistId, name = "Diary (mcp)", @private = false });
        Assert.Equal(id, (await other.Client.OkAsync("get_playlist", new { playlist_id = playlistId })).GetProperty("entries")[0].GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Results_AreSnakeCaseAllTheWayDown_IncludingAJobsStoredResult()
    {
        var job = await hub.ImportAsync((await hub.ServeVideoAsync("snake.mp4")).AbsoluteUri, "token:snake");
        Assert.Equal(JobStates.Completed, (await hub.WaitAsync(job.Id)).State);
        await using var c = await hub.ConnectAsync(McpFixture.User("snake"));
        var result = await c.Client.OkAsync("get_job", new { job_id = job.Id });
        Assert.True(result.GetProperty("result").EnumerateObject().Any(), result.ToString());
        AssertSnakeCase(result, "$");
    }

    private static void AssertSnakeCase(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in e.EnumerateObject())
            {
                Assert.True(System.Text.RegularExpressions.Regex.IsMatch(p.Name, "^[a-z][a-z0-9_]*$"), $"{path}.{p.Name} is not snake_case");
                AssertSnakeCase(p.Value, path + "." + p.Name);
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in e.EnumerateArray()) AssertSnakeCase(item, $"{path}[{i++}]");
        }
    }

    [Fact]
    public async Task GetStats_CountsTheLibrary()
    {
        await EntryAsync("stats.mp4");
        await using var c = await hub.ConnectAsync(McpFixture.User("reader"));
        var stats = await c.Client.OkAsync("get_stats");
        Assert.True(stats.GetProperty("entries").GetInt64() >= 1);
        Assert.True(stats.GetProperty("bytes").GetInt64() > 0);
        Assert.True(stats.GetProperty("jobs_by_state").GetProperty("completed").GetInt64() >= 1);
        Assert.DoesNotContain(hub.DataDir, stats.GetRawText(), StringComparison.Ordinal); // no server paths for users
    }
}
