using System.Net.Http.Json;
using Hub.Testing;
using Microsoft.Playwright;

namespace Hub.Admin.Tests;

[Collection(AdminCollection.Name)]
public sealed class LibraryFilterTests(AdminFixture hub)
{
    [Fact]
    public async Task Library_FiltersByTag_AndByDate()
    {
        hub.Site.MapFile("tagged.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "admin-tagged"), "video/mp4");
        var entry = (await hub.ImportAndWaitAsync("tagged.mp4")).GetProperty("entryId").GetGuid();
        (await hub.Admin.PatchAsJsonAsync($"/api/v1/entries/{entry}", new { tags = new[] { "filter-me" } })).EnsureSuccessStatusCode();
        var page = await hub.SignedInPageAsync(390, 844);
        await AdminPages.OpenAsync(page, "library");
        await Assertions.Expect(page.Locator($"#entries [href='#entry/{hub.VideoEntry}']")).ToHaveCountAsync(1);

        await page.FillAsync("#library-tag", "filter-me");
        await page.DispatchEventAsync("#library-tag", "change");
        await Assertions.Expect(page.Locator($"#entries [href='#entry/{hub.VideoEntry}']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#entries a")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"#entries [href='#entry/{entry}']")).ToHaveCountAsync(1);

        // Added until yesterday: nothing (everything here was added today); until today: it is back.
        await page.FillAsync("#library-to", DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd"));
        await page.DispatchEventAsync("#library-to", "change");
        await Assertions.Expect(page.Locator("#entries")).ToContainTextAsync("Nothing matches");
        await page.FillAsync("#library-to", DateTime.UtcNow.ToString("yyyy-MM-dd"));
        await page.DispatchEventAsync("#library-to", "change");
        await Assertions.Expect(page.Locator($"#entries [href='#entry/{entry}']")).ToHaveCountAsync(1);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Library_SearchOfOnlyShortWords_SaysToTypeThreeLetters()
    {
        var page = await hub.SignedInPageAsync(390, 844);
        await AdminPages.OpenAsync(page, "library");
        // "c" matches no whole word, and part of a word needs 3 letters: say that, not "try fewer words".
        await page.FillAsync("#library-q", "c");
        await Assertions.Expect(page.Locator("#entries .empty")).ToContainTextAsync("Type at least 3 letters to match part of a word.");
        // A longer word that matches nothing gets the usual advice.
        await page.FillAsync("#library-q", "zqxwv");
        await Assertions.Expect(page.Locator("#entries .empty")).ToContainTextAsync("Try fewer words or another filter.");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task Library_AudioWithoutAPicture_ShowsANote_NotABlankTile(string theme)
    {
        var page = await hub.SignedInPageAsync(390, 844, theme);
        await AdminPages.OpenAsync(page, "library");
        var img = page.Locator($"#entries [href='#entry/{hub.AudioEntry}'] img.thumb");
        await Assertions.Expect(img).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\baudio\b.*\bnone\b|\bnone\b.*\baudio\b"));
        Assert.Contains("data:image/svg+xml", await img.EvaluateAsync<string>("i => getComputedStyle(i).backgroundImage"));
        // A video without a picture keeps the plain tile.
        Assert.DoesNotContain("svg", await page.EvaluateAsync<string>(
            "() => { const i = document.createElement('img'); i.className = 'thumb none'; document.body.append(i); return getComputedStyle(i).backgroundImage; }"));
        await page.Context.CloseAsync();
    }
}
