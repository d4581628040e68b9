using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Hub.Testing;
using Microsoft.Playwright;

namespace Hub.Admin.Tests;

[Collection(AdminCollection.Name)]
public sealed class LibrariesTests(AdminFixture hub)
{
    [Fact]
    public async Task Library_IsCreatedWithATemplateAndARule_Edited_ThenDeleted_MovingItsEntries()
    {
        var name = "Talks " + Guid.NewGuid().ToString("N")[..6];
        var page = await hub.SignedInPageAsync(390, 844, "dark");
        await AdminPages.OpenAsync(page, "libraries");
        await page.ClickAsync("#new-library");
        await page.FillAsync("#lib-name", name);
        await page.SelectOptionAsync("#lib-format", "video_720");
        // The example follows the template as it is typed, and says what is wrong with an unusable one.
        await page.FillAsync("#lib-template", "{title}");
        await Assertions.Expect(page.Locator("#lib-example.error")).ToContainTextAsync("{ext}");
        await page.FillAsync("#lib-template", "{uploader}/{title}.{ext}");
        await Assertions.Expect(page.Locator("#lib-example")).ToContainTextAsync("Some Channel/A Video");
        await page.ClickAsync("#lib-add-rule");
        await page.FillAsync("#lib-rules [data-key=titleKeywords]", "lecture, talk");
        await AxeAsync(page, "library editor");
        await page.ClickAsync("#lib-form button[type=submit]");
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("Library created");

        var created = (await hub.Admin.GetFromJsonAsync<JsonElement>("/api/v1/libraries")).EnumerateArray().Single(l => l.GetProperty("name").GetString() == name);
        var slug = created.GetProperty("slug").GetString()!;
        Assert.Equal(("{uploader}/{title}.{ext}", "video_720"), (created.GetProperty("pathTemplate").GetString(), created.GetProperty("defaultFormat").GetString()));
        Assert.Equal(["lecture", "talk"], created.GetProperty("rules")[0].GetProperty("titleKeywords").EnumerateArray().Select(k => k.GetString()));

        // Edit: a new name, the rule removed.
        await page.ClickAsync($"[data-library='{slug}'] button:has-text('Edit')");
        Assert.Equal("{uploader}/{title}.{ext}", await page.InputValueAsync("#lib-template"));
        await page.FillAsync("#lib-name", name + " renamed");
        await page.ClickAsync("#lib-rules .rule button:has-text('Remove')");
        await page.ClickAsync("#lib-form button[type=submit]");
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("Saved");
        var edited = await hub.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/libraries/{created.GetProperty("id").GetGuid()}");
        Assert.Equal(name + " renamed", edited.GetProperty("name").GetString());
        Assert.Equal(0, edited.GetProperty("rules").GetArrayLength());
        slug = edited.GetProperty("slug").GetString()!;

        // An entry in it, then delete: the page says how many entries there are and moves them where asked.
        hub.Site.MapFile("in-talks.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "admin-in-talks"), "video/mp4");
        var import = await hub.Admin.PostAsJsonAsync("/api/v1/imports", new { url = hub.Site.Url("in-talks.mp4").ToString(), library = slug, mode = "auto", door = "api" });
        import.EnsureSuccessStatusCode();
        var job = await hub.WaitForJobAsync((await import.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), "completed");
        var entry = job.GetProperty("entryId").GetGuid();
        await AdminPages.OpenAsync(page, "dashboard");
        await AdminPages.OpenAsync(page, "libraries");
        await page.ClickAsync($"[data-library='{slug}'] button:has-text('Delete')");
        await Assertions.Expect(page.Locator("#lib-delete")).ToContainTextAsync("holds 1 entry");
        var videos = (await hub.Admin.GetFromJsonAsync<JsonElement>("/api/v1/libraries")).EnumerateArray().First(l => l.GetProperty("slug").GetString() != slug);
        await page.SelectOptionAsync("#lib-target", videos.GetProperty("slug").GetString()!);
        await page.ClickAsync("#lib-delete button[type=submit]");
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("1 entries moved");
        await Assertions.Expect(page.Locator($"[data-library='{slug}']")).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.NotFound, (await hub.Admin.GetAsync($"/api/v1/libraries/{slug}")).StatusCode);
        var moved = await hub.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{entry}");
        Assert.Equal(videos.GetProperty("id").GetGuid(), moved.GetProperty("libraryId").GetGuid());
        Assert.Equal(HttpStatusCode.OK, (await hub.Admin.GetAsync($"/api/v1/entries/{entry}/stream")).StatusCode); // its file moved with it
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Entry_MovesToAnotherLibrary_FromItsPage()
    {
        hub.Site.MapFile("move-me.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "admin-move-me"), "video/mp4");
        var entry = (await hub.ImportAndWaitAsync("move-me.mp4")).GetProperty("entryId").GetGuid();
        var before = (await hub.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{entry}")).GetProperty("libraryId").GetGuid();
        var page = await hub.SignedInPageAsync(1366, 768);
        await AdminPages.OpenAsync(page, $"entry/{entry}");
        var target = await page.InputValueAsync("#move-library");
        await page.ClickAsync("#move-button");
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("Moved to");
        var after = await hub.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{entry}");
        var library = await hub.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/libraries/{target}");
        Assert.NotEqual(before, after.GetProperty("libraryId").GetGuid());
        Assert.Equal(library.GetProperty("id").GetGuid(), after.GetProperty("libraryId").GetGuid());
        Assert.Equal(HttpStatusCode.OK, (await hub.Admin.GetAsync($"/api/v1/entries/{entry}/stream")).StatusCode);
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1366, 768)]
    public async Task Library_SubtitleLanguages_AreChosenInTheForm_AndCanGoBackToHubsSetting(int width, int height)
    {
        var name = $"Subtitled {width} " + Guid.NewGuid().ToString("N")[..6];
        var page = await hub.SignedInPageAsync(width, height);
        await AdminPages.OpenAsync(page, "libraries");
        await page.ClickAsync("#new-library");
        await page.FillAsync("#lib-name", name);
        await Assertions.Expect(page.Locator("#lib-sub-langs")).ToBeDisabledAsync(); // "As Hub is set" needs no languages
        await page.SelectOptionAsync("#lib-subs", "list");
        await page.FillAsync("#lib-sub-langs", "de, pt-BR");
        await page.SelectOptionAsync("#lib-captions", "on");
        await AxeAsync(page, "library editor with subtitles");
        Assert.True(await AdminPages.FitsWidthAsync(page));
        await page.ClickAsync("#lib-form button[type=submit]");
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("Library created");

        var created = (await hub.Admin.GetFromJsonAsync<JsonElement>("/api/v1/libraries")).EnumerateArray().Single(l => l.GetProperty("name").GetString() == name);
        Assert.Equal(["de", "pt-BR"], created.GetProperty("subtitleLanguages").EnumerateArray().Select(l => l.GetString()));
        Assert.True(created.GetProperty("automaticCaptions").GetBoolean());
        var slug = created.GetProperty("slug").GetString()!;
        await Assertions.Expect(page.Locator($"[data-library='{slug}']")).ToContainTextAsync("de, pt-BR; automatic captions taken");

        // A bad code is refused with the field named, and nothing changes.
        await page.ClickAsync($"[data-library='{slug}'] button:has-text('Edit')");
        Assert.Equal("list", await page.InputValueAsync("#lib-subs"));
        await page.FillAsync("#lib-sub-langs", "de, not a code");
        await page.ClickAsync("#lib-form button[type=submit]");
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("not a language code");

        // Back to Hub's setting for both.
        await page.SelectOptionAsync("#lib-subs", "");
        await page.SelectOptionAsync("#lib-captions", "");
        await page.ClickAsync("#lib-form button[type=submit]");
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("Saved");
        var edited = await hub.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/libraries/{created.GetProperty("id").GetGuid()}");
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (edited.GetProperty("subtitleLanguages").ValueKind, edited.GetProperty("automaticCaptions").ValueKind));
        await Assertions.Expect(page.Locator($"[data-library='{slug}']")).ToContainTextAsync("as Hub is set");
        await AxeAsync(page, "libraries with subtitle settings");
        Assert.Equal(HttpStatusCode.OK, (await hub.Admin.DeleteAsync($"/api/v1/libraries/{slug}")).StatusCode);
        await page.Context.CloseAsync();
    }

    private static async Task AxeAsync(IPage page, string what)
    {
        var axe = await page.RunAxe(new AxeRunOptions { ResultTypes = [ResultType.Violations] });
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, what + ": " + string.Join("\n", serious.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target)))}")));
    }
}
