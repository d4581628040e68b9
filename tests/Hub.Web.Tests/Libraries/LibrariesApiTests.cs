using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Testing;

namespace Hub.Web.Tests.Libraries;

public sealed class LibrariesApiTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    [Fact]
    public async Task User_ListsAndReads_TheDefaults()
    {
        var user = await app.CreateClientAsync("user");
        var list = await user.GetFromJsonAsync<JsonElement>("/api/v1/libraries");
        Assert.Contains(list.EnumerateArray(), l => l.GetProperty("name").GetString() == "Music");
        var music = await user.GetFromJsonAsync<JsonElement>("/api/v1/libraries/music");
        Assert.Equal("audio", music.GetProperty("mediaKind").GetString());
        Assert.Equal("soundcloud", music.GetProperty("rules")[0].GetProperty("platforms")[0].GetString());
        var byId = await user.GetFromJsonAsync<JsonElement>($"/api/v1/libraries/{music.GetProperty("id").GetGuid()}");
        Assert.Equal("music", byId.GetProperty("slug").GetString());
        await ProblemAssert.IsAsync(await user.GetAsync("/api/v1/libraries/nope"), 404, "not-found");
    }

    [Fact]
    public async Task User_CannotChangeLibraries()
    {
        var user = await app.CreateClientAsync("user");
        await ProblemAssert.IsAsync(await user.PostAsJsonAsync("/api/v1/libraries", new { name = "Mine" }), 403, "forbidden");
        await ProblemAssert.IsAsync(await user.PatchAsJsonAsync("/api/v1/libraries/music", new { name = "Mine" }), 403, "forbidden");
        await ProblemAssert.IsAsync(await user.DeleteAsync("/api/v1/libraries/music"), 403, "forbidden");
    }

    [Fact]
    public async Task Admin_CreatesPatchesAndDeletes_WithRules()
    {
        var admin = await app.CreateClientAsync("admin");
        var create = await admin.PostAsJsonAsync("/api/v1/libraries", new
        {
            name = "Talks",
            mediaKind = "video",
            reviewThreshold = 0.8,
            rules = new[] { new { titleKeywords = new[] { "lecture" } } },
        });
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var talks = await create.Content.ReadFromJsonAsync<JsonElement>();
        var id = talks.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/libraries/{id}", create.Headers.Location?.OriginalString);
        Assert.Equal("lecture", talks.GetProperty("rules")[0].GetProperty("titleKeywords")[0].GetString());

        var patched = await (await admin.PatchAsJsonAsync($"/api/v1/libraries/{id}", new { name = "Lectures" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Lectures", "lectures", 0.8), (patched.GetProperty("name").GetString(), patched.GetProperty("slug").GetString(), patched.GetProperty("reviewThreshold").GetDouble()));

        await ProblemAssert.IsAsync(await admin.PostAsJsonAsync("/api/v1/libraries", new { name = "Lectures" }), 409, "library-name-taken");
        await ProblemAssert.IsAsync(await admin.DeleteAsync($"/api/v1/libraries/{id}?mode=move"), 400, "validation", "target");
        var deleted = await admin.DeleteAsync($"/api/v1/libraries/{id}?mode=move&target=videos");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        await ProblemAssert.IsAsync(await admin.GetAsync($"/api/v1/libraries/{id}"), 404, "not-found");
    }

    [Fact]
    public async Task SubtitleSettings_AreSetPerLibrary_KeptByOtherChanges_AndNullGoesBackToHubsSetting()
    {
        var admin = await app.CreateClientAsync("admin");
        var created = await admin.PostAsJsonAsync("/api/v1/libraries", new { name = "Films", subtitleLanguages = new[] { "pt-BR", "en.*", " pt-BR " }, automaticCaptions = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var films = await created.Content.ReadFromJsonAsync<JsonElement>();
        var url = $"/api/v1/libraries/{films.GetProperty("id").GetGuid()}";
        Assert.Equal(["pt-BR", "en.*"], films.GetProperty("subtitleLanguages").EnumerateArray().Select(l => l.GetString()));
        Assert.True(films.GetProperty("automaticCaptions").GetBoolean());

        async Task<JsonElement> Patch(string json)
        {
            var response = await admin.PatchAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }
        var renamed = await Patch("""{"name":"Feature films"}""");
        Assert.Equal(2, renamed.GetProperty("subtitleLanguages").GetArrayLength());
        var none = await Patch("""{"subtitleLanguages":[]}""");
        Assert.Equal(0, none.GetProperty("subtitleLanguages").GetArrayLength());
        var asHub = await Patch("""{"subtitleLanguages":null}""");
        Assert.Equal(JsonValueKind.Null, asHub.GetProperty("subtitleLanguages").ValueKind);
        Assert.True(asHub.GetProperty("automaticCaptions").GetBoolean());
        Assert.Equal(JsonValueKind.Null, (await Patch("""{"automaticCaptions":null}""")).GetProperty("automaticCaptions").ValueKind);

        await ProblemAssert.IsAsync(await admin.PatchAsync(url, new StringContent("""{"subtitleLanguages":["en","x y"]}""", Encoding.UTF8, "application/json")),
            400, "validation", "subtitleLanguages");
        Assert.Equal(JsonValueKind.Null, (await admin.GetFromJsonAsync<JsonElement>(url)).GetProperty("subtitleLanguages").ValueKind); // nothing changed
    }

    [Fact]
    public async Task TemplateExample_RendersASampleEntry_OrNamesTheFault()
    {
        var user = await app.CreateClientAsync("user");
        var example = await user.GetFromJsonAsync<JsonElement>("/api/v1/libraries/template-example?template=" +
            Uri.EscapeDataString("{platform}/{uploader}/{title} [{id}].{ext}"));
        // The sample's "/" and "?" are made safe, as for a real import: one folder per "/" of the template only.
        var path = example.GetProperty("example").GetString()!;
        Assert.StartsWith("youtube/Some Channel/A Video", path, StringComparison.Ordinal);
        Assert.EndsWith("[dQw4w9WgXcQ].mp4", path, StringComparison.Ordinal);
        Assert.Equal(3, path.Split('/').Length);
        var audio = await user.GetFromJsonAsync<JsonElement>("/api/v1/libraries/template-example?kind=audio&template=" + Uri.EscapeDataString("{kind}/{title}.{ext}"));
        Assert.StartsWith("audio/A Song", audio.GetProperty("example").GetString(), StringComparison.Ordinal);
        Assert.EndsWith(".m4a", audio.GetProperty("example").GetString(), StringComparison.Ordinal);

        foreach (var bad in new[] { "{title}", "/abs/{title}.{ext}", "{colour}.{ext}", "" })
        {
            await ProblemAssert.IsAsync(await user.GetAsync("/api/v1/libraries/template-example?template=" + Uri.EscapeDataString(bad)), 400, "validation", "pathTemplate");
        }
    }

    [Theory]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"name":"X","mediaKind":"photo"}""", "mediaKind")]
    [InlineData("""{"name":"X","defaultFormat":"8k"}""", "defaultFormat")]
    [InlineData("""{"name":"X","reviewThreshold":2}""", "reviewThreshold")]
    [InlineData("""{"name":"X","rules":[{"mediaKind":"audio","colour":"red"}]}""", "rules[0].colour")]
    [InlineData("""{"name":"X","subtitleLanguages":"en"}""", "subtitleLanguages")]
    [InlineData("""{"name":"X","subtitleLanguages":["en,de"]}""", "subtitleLanguages")]
    [InlineData("""{"name":"X","subtitleLanguages":["-live_chat"]}""", "subtitleLanguages")]
    [InlineData("""{"name":"X","subtitleLanguages":[1]}""", "subtitleLanguages")]
    [InlineData("""{"name":"X","automaticCaptions":"yes"}""", "automaticCaptions")]
    public async Task Create_Invalid_Is400NamingTheField(string json, string field)
    {
        var admin = await app.CreateClientAsync("admin");
        var response = await admin.PostAsync("/api/v1/libraries", new StringContent(json, Encoding.UTF8, "application/json"));
        await ProblemAssert.IsAsync(response, 400, "validation", field);
    }

    [Fact]
    public async Task Delete_BadMode_Is400_AndRefuseIsTheDefault()
    {
        var admin = await app.CreateClientAsync("admin");
        await ProblemAssert.IsAsync(await admin.DeleteAsync("/api/v1/libraries/music?mode=shred"), 400, "validation", "mode");
        var spare = await (await admin.PostAsJsonAsync("/api/v1/libraries", new { name = "Spare" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/v1/libraries/{spare.GetProperty("slug").GetString()}")).StatusCode);
    }
}
