using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;

namespace Hub.Web.Tests.Entries;

public sealed class EntriesApiTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    private async Task<(Guid Library, HttpClient User)> SetUpAsync(string library)
    {
        var id = await EntrySeed.LibraryAsync(app.ConnectionString, library);
        return (id, await app.CreateClientAsync("user"));
    }

    private static async Task<List<JsonElement>> ItemsAsync(HttpClient client, string url)
    {
        var page = await client.GetFromJsonAsync<JsonElement>(url);
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    [Theory]
    [InlineData("GET", "/api/v1/entries")]
    [InlineData("GET", "/api/v1/entries/00000000-0000-0000-0000-000000000001")]
    [InlineData("PATCH", "/api/v1/entries/00000000-0000-0000-0000-000000000001")]
    [InlineData("DELETE", "/api/v1/entries/00000000-0000-0000-0000-000000000001")]
    [InlineData("POST", "/api/v1/entries/00000000-0000-0000-0000-000000000001/links")]
    [InlineData("GET", "/api/v1/playlists")]
    [InlineData("POST", "/api/v1/playlists")]
    [InlineData("GET", "/api/v1/playlists/00000000-0000-0000-0000-000000000001/entries")]
    [InlineData("GET", "/api/v1/playlists/00000000-0000-0000-0000-000000000001.m3u8")]
    [InlineData("GET", "/api/v1/stats")]
    [InlineData("GET", "/api/v1/stats/downloads")]
    public async Task Routes_WithoutToken_Are401(string method, string url)
    {
        var response = await app.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(new { }) });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Delete_ByOwnerOrAdmin_RemovesFileUnlessKept_OthersAre403()
    {
        var (library, user) = await SetUpAsync("Delete Lib");
        var other = await app.CreateClientAsync("user");
        var owner = await EntrySeed.OwnerKeyAsync(user);
        var dir = Path.Combine(app.DataDir, "media", "del");
        var thumb = EntrySeed.WriteFile(dir, "a.jpg", 10);
        var a = new SeedEntry("To delete") { FilePath = EntrySeed.WriteFile(dir, "a.mp4", 10), ThumbnailPath = thumb, RequestedBy = owner };
        var b = new SeedEntry("To delete, keep file") { FilePath = EntrySeed.WriteFile(dir, "b.mp4", 10), RequestedBy = owner };
        var c = new SeedEntry("File already gone") { FilePath = Path.Combine(dir, "missing.mp4") };
        await EntrySeed.InsertAsync(app.ConnectionString, library, a, b, c);
        var admin = await app.CreateClientAsync("admin");

        // Someone else's entry, or one nobody owns, is refused with 403 (and the file stays); the owner may delete theirs.
        var refused = await other.DeleteAsync($"/api/v1/entries/{a.Id}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("urn:hub:problem:forbidden", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await user.DeleteAsync($"/api/v1/entries/{c.Id}")).StatusCode);
        Assert.True(File.Exists(a.FilePath));
        Assert.Equal(HttpStatusCode.NoContent, (await user.DeleteAsync($"/api/v1/entries/{a.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/entries/{b.Id}?keep_file=true")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/entries/{c.Id}")).StatusCode);

        Assert.False(File.Exists(a.FilePath));
        Assert.False(File.Exists(thumb));
        Assert.True(File.Exists(b.FilePath));
        Assert.Equal(HttpStatusCode.NotFound, (await user.GetAsync($"/api/v1/entries/{a.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/entries/{a.Id}")).StatusCode);
        var bad = await admin.DeleteAsync($"/api/v1/entries/{b.Id}?keep_file=maybe");
        Assert.Equal("keep_file", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Single().Name);
    }

    [Fact]
    public async Task Patch_OfSomeoneElsesEntry_Is403_AndChangesNothing_AdminMay()
    {
        var (library, user) = await SetUpAsync("Patch Rights Lib");
        var e = new SeedEntry("Theirs") { RequestedBy = await EntrySeed.OwnerKeyAsync(user) };
        await EntrySeed.InsertAsync(app.ConnectionString, library, e);
        var other = await app.CreateClientAsync("user");

        Assert.Equal(HttpStatusCode.Forbidden, (await other.PatchAsJsonAsync($"/api/v1/entries/{e.Id}", new { title = "Mine now" })).StatusCode);
        Assert.Equal("Theirs", (await other.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{e.Id}")).GetProperty("title").GetString());
        var admin = await app.CreateClientAsync("admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/v1/entries/{e.Id}", new { tags = new[] { "checked" } })).StatusCode);
    }

    [Fact]
    public async Task Patch_ChangesTitleTagsAndMergesProperties()
    {
        var (library, user) = await SetUpAsync("Patch Lib");
        var e = new SeedEntry("Old title")
        {
            Tags = ["a"], Properties = """{"width":640,"height":360,"videoCodec":"h264","keep":1,"drop":2}""", RequestedBy = await EntrySeed.OwnerKeyAsync(user),
        };
        await EntrySeed.InsertAsync(app.ConnectionString, library, e);

        var response = await user.PatchAsJsonAsync($"/api/v1/entries/{e.Id}",
            new { title = "  New title ", tags = new[] { "x", "y", "x" }, properties = new { drop = (int?)null, added = "yes" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var dto = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("New title", dto.GetProperty("title").GetString());
        Assert.Equal(["x", "y"], dto.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var props = dto.GetProperty("properties");
        Assert.Equal(1, props.GetProperty("keep").GetInt32());
        Assert.Equal("yes", props.GetProperty("added").GetString());
        Assert.False(props.TryGetProperty("drop", out _));
        Assert.Equal(640, dto.GetProperty("width").GetInt32());
        Assert.Equal("h264", dto.GetProperty("videoCodec").GetString());
        Assert.False(dto.TryGetProperty("filePath", out _)); // never the entity

        var blank = await user.PatchAsJsonAsync($"/api/v1/entries/{e.Id}", new { title = " " });
        Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
        Assert.True((await blank.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("title", out _));
        var twoLines = await user.PatchAsJsonAsync($"/api/v1/entries/{e.Id}", new { title = "a\nb" });
        Assert.Equal(HttpStatusCode.BadRequest, twoLines.StatusCode);
        Assert.Contains("one line", (await twoLines.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("title")[0].GetString());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("mediaKind=picture", "mediaKind")]
    [InlineData("sort=colour", "sort")]
    [InlineData("sort=relevance", "sort")]
    [InlineData("cursor=bm9wZQ", "cursor")]
    [InlineData("minDuration=abc", "minDuration")]
    [InlineData("minDuration=-1", "minDuration")]
    [InlineData("minDuration=10&maxDuration=5", "minDuration")]
    [InlineData("from=yesterday", "from")]
    [InlineData("library=no-such-library", "library")]
    public async Task List_InvalidQuery_Is400NamingTheField(string query, string field)
    {
        var user = await app.CreateClientAsync("user");
        var response = await user.GetAsync("/api/v1/entries?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("urn:hub:problem:validation", problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task List_Filters_Combine()
    {
        var (library, user) = await SetUpAsync("Filter Lib");
        var t0 = DateTimeOffset.Parse("2030-01-01T00:00:00Z");
        await EntrySeed.InsertAsync(app.ConnectionString, library,
            new SeedEntry("f1") { Platform = "youtube", MediaKind = "video", DurationSeconds = 60, Tags = ["music", "live"], CreatedAt = t0 },
            new SeedEntry("f2") { Platform = "youtube", MediaKind = "audio", DurationSeconds = 200, Tags = ["music"], CreatedAt = t0.AddDays(1) },
            new SeedEntry("f3") { Platform = "vimeo", MediaKind = "video", DurationSeconds = 30, Tags = ["live"], CreatedAt = t0.AddDays(2) },
            new SeedEntry("f4") { Platform = "youtube", MediaKind = "video", DurationSeconds = null, Tags = ["music", "live"], CreatedAt = t0.AddDays(3) });
        async Task<string[]> Titles(string q) => [.. (await ItemsAsync(user, "/api/v1/entries?library=filter-lib&" + q)).Select(i => i.GetProperty("title").GetString()!)];

        Assert.Equal(["f4", "f3", "f2", "f1"], await Titles(""));
        Assert.Equal(["f1", "f2", "f3", "f4"], await Titles("sort=oldest"));
        Assert.Equal(["f4", "f2", "f1"], await Titles("platform=youtube"));
        Assert.Equal(["f2"], await Titles("mediaKind=audio"));
        Assert.Equal(["f4", "f1"], await Titles("tag=music&tag=live"));
        Assert.Equal(["f2", "f1"], await Titles("minDuration=40&maxDuration=300"));
        Assert.Equal(["f3", "f2"], await Titles($"from=2030-01-02&to=2030-01-04"));
        Assert.Equal(["f4", "f3", "f1", "f2"], await Titles("sort=duration"));
        Assert.Equal(["f2", "f1", "f3", "f4"], await Titles("sort=-duration"));
        Assert.Equal(["f4", "f1"], await Titles("platform=youtube&mediaKind=video&tag=live"));
        Assert.Equal(["f1"], await Titles("q=f1&platform=youtube"));
        Assert.Equal(library.ToString(), (await ItemsAsync(user, $"/api/v1/entries?library={library}"))[0].GetProperty("libraryId").GetString());
    }

    [Fact]
    public async Task List_PagesStayStableWhileEntriesAreAdded()
    {
        var (library, user) = await SetUpAsync("Paging Lib");
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        // Many share a timestamp: the id breaks ties, so no row is skipped or repeated at a page boundary.
        var existing = Enumerable.Range(0, 120).Select(i => new SeedEntry($"p{i:000}") { CreatedAt = start.AddSeconds(i / 7) }).ToList();
        await EntrySeed.InsertAsync(app.ConnectionString, library, existing);

        foreach (var sort in new[] { "newest", "oldest", "title", "-title", "size" })
        {
            var seen = new List<string>();
            string? cursor = null;
            var round = 0;
            do
            {
                var page = await user.GetFromJsonAsync<JsonElement>($"/api/v1/entries?library=paging-lib&limit=25&sort={sort}" + (cursor is null ? "" : "&cursor=" + cursor));
                seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
                cursor = page.GetProperty("nextCursor").GetString();
                // Meanwhile, new entries arrive (newest of all, and titles that sort everywhere).
                await EntrySeed.InsertAsync(app.ConnectionString, library, new SeedEntry($"p{round * 37 % 120:000}-new-{sort}"), new SeedEntry($"zz-new-{sort}-{round}"));
                round++;
            }
            while (cursor is not null);

            Assert.Equal(seen.Count, seen.Distinct().Count());
            Assert.Empty(existing.Select(e => e.Id.ToString()).Except(seen));
        }
    }

    [Fact]
    public async Task Get_ReturnsTheDtoShape()
    {
        var (library, user) = await SetUpAsync("Dto Lib");
        var e = new SeedEntry("Dto") { Platform = "youtube", Uploader = "someone", DurationSeconds = 12.5, SizeBytes = 1234, ContentHash = "abc", Container = "webm" };
        await EntrySeed.InsertAsync(app.ConnectionString, library, e);
        var dto = await user.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{e.Id}");
        Assert.Equal("Dto", dto.GetProperty("title").GetString());
        Assert.Equal(12.5, dto.GetProperty("durationSeconds").GetDouble());
        Assert.Equal(1234, dto.GetProperty("sizeBytes").GetInt64());
        Assert.Equal("webm", dto.GetProperty("container").GetString());
        Assert.Equal(JsonValueKind.Null, dto.GetProperty("thumbnailUrl").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, (await user.GetAsync($"/api/v1/entries/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task OpenApi_DescribesTheLibraryRoutes()
    {
        var doc = await app.CreateClient().GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/api/v1/entries", "/api/v1/entries/{id}/stream", "/api/v1/entries/{id}/links", "/api/v1/playlists/{id}.m3u8",
            "/api/v1/stats/downloads", "/s/{token}" })
        {
            Assert.Contains($"\"{path}\"", doc);
        }
    }
}
