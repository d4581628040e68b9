using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;

namespace Hub.Web.Tests.Entries;

public sealed class EntryMoveApiTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    [Fact]
    public async Task Move_FilesTheEntryByTheTargetsTemplate_WithItsSubtitles()
    {
        var from = await EntrySeed.LibraryAsync(app.ConnectionString, "Move From");
        var admin = await app.CreateClientAsync("admin");
        var created = await admin.PostAsJsonAsync("/api/v1/libraries", new { name = "Move To", pathTemplate = "{uploader}/{title} [{id}].{ext}" });
        created.EnsureSuccessStatusCode();
        var to = await created.Content.ReadFromJsonAsync<JsonElement>();
        var file = EntrySeed.WriteFile(Path.Combine(app.DataDir, "media", "move-from"), "Talk.mp4", 300);
        var vtt = Path.ChangeExtension(file, null) + ".en.vtt";
        await File.WriteAllTextAsync(vtt, "WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n");
        var entry = new SeedEntry("Talk") { FilePath = file, Uploader = "Ann", Properties = """{"subtitles":[{"lang":"en","label":"English","source":"site"}]}""" };
        await EntrySeed.InsertAsync(app.ConnectionString, from, entry);

        var response = await admin.PostAsJsonAsync($"/api/v1/entries/{entry.Id}/move", new { library = "move-to" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var moved = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(to.GetProperty("id").GetGuid(), moved.GetProperty("libraryId").GetGuid());
        var expected = Path.Combine(app.DataDir, "media", "move-to", "Ann", $"Talk [{Hub.Domain.Libraries.PathTemplate.ShortId(entry.Id)}].mp4");
        Assert.True(File.Exists(expected), expected);
        Assert.False(File.Exists(file));
        Assert.True(File.Exists(Path.ChangeExtension(expected, null) + ".en.vtt"));
        Assert.False(File.Exists(vtt));
        Assert.Equal(300, (await (await admin.GetAsync($"/api/v1/entries/{entry.Id}/stream")).Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/entries/{entry.Id}/subtitles/en.vtt")).StatusCode);

        await ProblemAssert.IsAsync(await admin.PostAsJsonAsync($"/api/v1/entries/{entry.Id}/move", new { library = "nowhere" }), 400, "validation", "library");
        await ProblemAssert.IsAsync(await admin.PostAsJsonAsync($"/api/v1/entries/{Guid.NewGuid()}/move", new { library = "move-to" }), 404, "not-found");
        var user = await app.CreateClientAsync("user");
        await ProblemAssert.IsAsync(await user.PostAsJsonAsync($"/api/v1/entries/{entry.Id}/move", new { library = "move-from" }), 403, "forbidden");
    }
}
