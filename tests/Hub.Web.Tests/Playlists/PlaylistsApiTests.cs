using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;
using Hub.Web.Tests.Entries;

namespace Hub.Web.Tests.Playlists;

public sealed class PlaylistsApiTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<string[]> OrderAsync(HttpClient client, string id) =>
        [.. (await client.GetFromJsonAsync<JsonElement>($"/api/v1/playlists/{id}/entries")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()!)];

    [Fact]
    public async Task StaticPlaylist_AddMoveRemove_KeepsPositionsDense()
    {
        var library = await EntrySeed.LibraryAsync(app.ConnectionString, "Pl Static");
        var entries = Enumerable.Range(0, 5).Select(i => new SeedEntry($"s{i}")).ToArray();
        await EntrySeed.InsertAsync(app.ConnectionString, library, entries);
        var user = await app.CreateClientAsync("user");

        var created = await JsonAsync(await user.PostAsJsonAsync("/api/v1/playlists", new { name = "Road trip" }), HttpStatusCode.Created);
        Assert.Equal("static", created.GetProperty("kind").GetString());
        var id = created.GetProperty("id").GetString()!;
        foreach (var e in entries.Take(4))
        {
            await JsonAsync(await user.PostAsJsonAsync($"/api/v1/playlists/{id}/items", new { entryId = e.Id }), HttpStatusCode.OK);
        }
        var inserted = await JsonAsync(await user.PostAsJsonAsync($"/api/v1/playlists/{id}/items", new { entryId = entries[4].Id, position = 1 }), HttpStatusCode.OK);
        Assert.Equal(1, inserted.GetProperty("position").GetInt32());
        Assert.Equal(["s0", "s4", "s1", "s2", "s3"], await OrderAsync(user, id));

        var moved = await JsonAsync(await user.PostAsJsonAsync($"/api/v1/playlists/{id}/items/{entries[0].Id}/move", new { position = 99 }), HttpStatusCode.OK);
        Assert.Equal(4, moved.GetProperty("position").GetInt32());
        await JsonAsync(await user.PostAsJsonAsync($"/api/v1/playlists/{id}/items/{entries[3].Id}/move", new { position = 0 }), HttpStatusCode.OK);
        Assert.Equal(["s3", "s4", "s1", "s2", "s0"], await OrderAsync(user, id));

        Assert.Equal(HttpStatusCode.NoContent, (await user.DeleteAsync($"/api/v1/playlists/{id}/items/{entries[4].Id}")).StatusCode);
        Assert.Equal(["s3", "s1", "s2", "s0"], await OrderAsync(user, id));
        Assert.Equal(new[] { 0, 1, 2, 3 }, await PositionsAsync(id));

        // Deleting an entry takes it out of the playlist; positions close up with the next change.
        var admin = await app.CreateClientAsync("admin");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/entries/{entries[1].Id}?keep_file=true")).StatusCode);
        Assert.Equal(["s3", "s2", "s0"], await OrderAsync(user, id));
        await JsonAsync(await user.PostAsJsonAsync($"/api/v1/playlists/{id}/items/{entries[0].Id}/move", new { position = 0 }), HttpStatusCode.OK);
        Assert.Equal(["s0", "s3", "s2"], await OrderAsync(user, id));
        Assert.Equal(new[] { 0, 1, 2 }, await PositionsAsync(id));
        Assert.Equal(3, (await user.GetFromJsonAsync<JsonElement>($"/api/v1/playlists/{id}")).GetProperty("itemCount").GetInt32());

        // Errors: twice the same entry, unknown entry, not in the playlist, bad position, missing fields.
        Assert.Equal(HttpStatusCode.Conflict, (await user.PostAsJsonAsync($"/api/v1/playlists/{id}/items", new { entryId = entries[0].Id })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.PostAsJsonAsync($"/api/v1/playlists/{id}/items", new { entryId = Guid.NewGuid() })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.DeleteAsync($"/api/v1/playlists/{id}/items/{entries[4].Id}")).StatusCode);
        await AssertFieldAsync(await user.PostAsJsonAsync($"/api/v1/playlists/{id}/items/{entries[0].Id}/move", new { position = -1 }), "position");
        await AssertFieldAsync(await user.PostAsJsonAsync($"/api/v1/playlists/{id}/items", new { }), "entryId");
        Assert.Equal(HttpStatusCode.NotFound, (await user.PostAsJsonAsync($"/api/v1/playlists/{Guid.NewGuid()}/items", new { entryId = entries[0].Id })).StatusCode);
    }

    private async Task<int[]> PositionsAsync(string playlistId)
    {
        await using var conn = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT position FROM playlist_items WHERE playlist_id = $1 ORDER BY position", conn);
        cmd.Parameters.AddWithValue(Guid.Parse(playlistId));
        var list = new List<int>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add(r.GetInt32(0));
        return [.. list];
    }

    private static async Task AssertFieldAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task DynamicPlaylist_ReflectsNewEntries()
    {
        var library = await EntrySeed.LibraryAsync(app.ConnectionString, "Pl Dynamic");
        await EntrySeed.InsertAsync(app.ConnectionString, library, new SeedEntry("Jazz one") { Tags = ["jazz"] }, new SeedEntry("Rock one") { Tags = ["rock"] });
        var user = await app.CreateClientAsync("user");
        var created = await JsonAsync(await user.PostAsJsonAsync("/api/v1/playlists",
            new { name = "All jazz", query = new { libraryId = library, tags = new[] { "jazz" }, sort = "title" } }), HttpStatusCode.Created);
        Assert.Equal("dynamic", created.GetProperty("kind").GetString());
        Assert.Equal("title", created.GetProperty("query").GetProperty("sort").GetString());
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal(["Jazz one"], await OrderAsync(user, id));

        await EntrySeed.InsertAsync(app.ConnectionString, library, new SeedEntry("Another jazz") { Tags = ["jazz", "live"] });
        Assert.Equal(["Another jazz", "Jazz one"], await OrderAsync(user, id));

        // Items cannot be added to a dynamic playlist; its query can change, and is validated like GET /entries.
        Assert.Equal(HttpStatusCode.Conflict, (await user.PostAsJsonAsync($"/api/v1/playlists/{id}/items", new { entryId = Guid.NewGuid() })).StatusCode);
        await JsonAsync(await user.PatchAsJsonAsync($"/api/v1/playlists/{id}", new { query = new { libraryId = library, tags = new[] { "live" } } }), HttpStatusCode.OK);
        Assert.Equal(["Another jazz"], await OrderAsync(user, id));
        await AssertFieldAsync(await user.PatchAsJsonAsync($"/api/v1/playlists/{id}", new { query = new { mediaKind = "picture" } }), "mediaKind");
        await AssertFieldAsync(await user.PostAsJsonAsync("/api/v1/playlists", new { name = "bad", query = new { sort = "relevance" } }), "sort");
    }

    [Fact]
    public async Task M3u_HasExtInfAndWorkingSignedLinks()
    {
        var library = await EntrySeed.LibraryAsync(app.ConnectionString, "Pl M3u");
        var path = EntrySeed.WriteFile(Path.Combine(app.DataDir, "media", "m3u"), "song.mp3", 500);
        var song = new SeedEntry("Song, with comma") { FilePath = path, DurationSeconds = 61.6, MediaKind = "audio", Container = "mp3" };
        await EntrySeed.InsertAsync(app.ConnectionString, library, song);
        var user = await app.CreateClientAsync("user");
        var id = (await JsonAsync(await user.PostAsJsonAsync("/api/v1/playlists", new { name = "M3U list" }), HttpStatusCode.Created)).GetProperty("id").GetString();
        await JsonAsync(await user.PostAsJsonAsync($"/api/v1/playlists/{id}/items", new { entryId = song.Id }), HttpStatusCode.OK);

        var response = await user.GetAsync($"/api/v1/playlists/{id}.m3u8");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/x-mpegurl", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("#EXTM3U", lines[0]);
        Assert.Equal("#EXTINF:62,Song, with comma", lines[1]);
        var url = new Uri(lines[2]);
        Assert.True(url.IsAbsoluteUri);
        var anonymous = app.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, url.PathAndQuery);
        request.Headers.TryAddWithoutValidation("Range", "bytes=-10");
        var media = await anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, media.StatusCode);
        Assert.Equal(Enumerable.Range(490, 10).Select(i => EntrySeed.ByteAt(i)).ToArray(), await media.Content.ReadAsByteArrayAsync());
        Assert.Equal("audio/mpeg", media.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Playlists_NamesValidationConflictsAndDeleteRights()
    {
        var owner = await app.CreateClientAsync("user");
        var other = await app.CreateClientAsync("user");
        var admin = await app.CreateClientAsync("admin");
        await AssertFieldAsync(await owner.PostAsJsonAsync("/api/v1/playlists", new { name = "" }), "name");
        await AssertFieldAsync(await owner.PostAsJsonAsync("/api/v1/playlists", new { name = "x", kind = "smart" }), "kind");
        await AssertFieldAsync(await owner.PostAsJsonAsync("/api/v1/playlists", new { name = "x", kind = "dynamic" }), "query");
        var a = (await JsonAsync(await owner.PostAsJsonAsync("/api/v1/playlists", new { name = "Mine" }), HttpStatusCode.Created)).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostAsJsonAsync("/api/v1/playlists", new { name = "MINE" })).StatusCode);
        var list = await owner.GetFromJsonAsync<JsonElement>("/api/v1/playlists");
        Assert.Contains(list.EnumerateArray(), p => p.GetProperty("name").GetString() == "Mine");

        Assert.Equal(HttpStatusCode.Forbidden, (await other.DeleteAsync($"/api/v1/playlists/{a}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/v1/playlists/{a}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/v1/playlists/{a}")).StatusCode);
        var b = (await JsonAsync(await owner.PostAsJsonAsync("/api/v1/playlists", new { name = "Theirs" }), HttpStatusCode.Created)).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/playlists/{b}")).StatusCode);
    }

    [Fact]
    public async Task SomeoneElsesPlaylist_IsReadable_ButEveryChangeIs403_AdminMayChangeIt()
    {
        var library = await EntrySeed.LibraryAsync(app.ConnectionString, "Pl Rights");
        var entries = Enumerable.Range(0, 3).Select(i => new SeedEntry($"r{i}")).ToArray();
        await EntrySeed.InsertAsync(app.ConnectionString, library, entries);
        var owner = await app.CreateClientAsync("user");
        var other = await app.CreateClientAsync("user");
        var admin = await app.CreateClientAsync("admin");
        var created = await JsonAsync(await owner.PostAsJsonAsync("/api/v1/playlists", new { name = "Owner's list" }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.True(created.GetProperty("canChange").GetBoolean());
        Assert.False(created.GetProperty("private").GetBoolean());
        await JsonAsync(await owner.PostAsJsonAsync($"/api/v1/playlists/{id}/items", new { entryId = entries[0].Id }), HttpStatusCode.OK);
        await JsonAsync(await owner.PostAsJsonAsync($"/api/v1/playlists/{id}/items", new { entryId = entries[1].Id }), HttpStatusCode.OK);

        Assert.False((await other.GetFromJsonAsync<JsonElement>($"/api/v1/playlists/{id}")).GetProperty("canChange").GetBoolean());
        Assert.Equal(["r0", "r1"], await OrderAsync(other, id));
        HttpResponseMessage[] refused =
        [
            await other.PatchAsJsonAsync($"/api/v1/playlists/{id}", new { name = "Taken over" }),
            await other.PostAsJsonAsync($"/api/v1/playlists/{id}/items", new { entryId = entries[2].Id }),
            await other.PostAsJsonAsync($"/api/v1/playlists/{id}/items/{entries[1].Id}/move", new { position = 0 }),
            await other.DeleteAsync($"/api/v1/playlists/{id}/items/{entries[0].Id}"),
            await other.DeleteAsync($"/api/v1/playlists/{id}"),
        ];
        foreach (var r in refused)
        {
            var problem = await JsonAsync(r, HttpStatusCode.Forbidden);
            Assert.Equal("urn:hub:problem:forbidden", problem.GetProperty("type").GetString());
        }
        Assert.Equal(["r0", "r1"], await OrderAsync(owner, id));
        Assert.Equal("Owner's list", (await owner.GetFromJsonAsync<JsonElement>($"/api/v1/playlists/{id}")).GetProperty("name").GetString());

        await JsonAsync(await admin.PatchAsJsonAsync($"/api/v1/playlists/{id}", new { name = "Renamed by admin" }), HttpStatusCode.OK);
        await JsonAsync(await admin.PostAsJsonAsync($"/api/v1/playlists/{id}/items/{entries[1].Id}/move", new { position = 0 }), HttpStatusCode.OK);
        Assert.Equal(["r1", "r0"], await OrderAsync(owner, id));
    }

    [Fact]
    public async Task PrivatePlaylist_IsNotFoundForOthers_InEveryView_AndVisibleToOwnerAndAdmin()
    {
        var library = await EntrySeed.LibraryAsync(app.ConnectionString, "Pl Private");
        var song = new SeedEntry("secret song");
        await EntrySeed.InsertAsync(app.ConnectionString, library, song);
        var owner = await app.CreateClientAsync("user");
        var other = await app.CreateClientAsync("user");
        var admin = await app.CreateClientAsync("admin");
        var created = await JsonAsync(await owner.PostAsJsonAsync("/api/v1/playlists", new { name = "Diary", @private = true }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.True(created.GetProperty("private").GetBoolean());
        await JsonAsync(await owner.PostAsJsonAsync($"/api/v1/playlists/{id}/items", new { entryId = song.Id }), HttpStatusCode.OK);

        static async Task<bool> ListsAsync(HttpClient c, string id) =>
            (await c.GetFromJsonAsync<JsonElement>("/api/v1/playlists")).EnumerateArray().Any(p => p.GetProperty("id").GetString() == id);
        Assert.False(await ListsAsync(other, id));
        foreach (var url in new[] { $"/api/v1/playlists/{id}", $"/api/v1/playlists/{id}/entries", $"/api/v1/playlists/{id}.m3u8" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(url)).StatusCode);
        }
        // A change to it is "not found" too (not 403): others cannot even learn that it exists.
        Assert.Equal(HttpStatusCode.NotFound, (await other.PatchAsJsonAsync($"/api/v1/playlists/{id}", new { name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/v1/playlists/{id}/items/{song.Id}")).StatusCode);

        Assert.True(await ListsAsync(owner, id));
        Assert.True(await ListsAsync(admin, id));
        Assert.Equal(["secret song"], await OrderAsync(admin, id));

        await JsonAsync(await owner.PatchAsJsonAsync($"/api/v1/playlists/{id}", new { @private = false }), HttpStatusCode.OK);
        Assert.True(await ListsAsync(other, id));
        Assert.Equal(["secret song"], await OrderAsync(other, id));
    }
}
