using Hub.Testing;
using Microsoft.Playwright;

namespace Hub.Admin.Tests;

/// <summary>The import page's preview: the link's thumbnail (fetched by Hub, shown under the CSP) and "already in the library".</summary>
[Collection(AdminCollection.Name)]
public sealed class PreviewTests(AdminFixture hub)
{
    [Theory]
    [InlineData(390, 844)]
    [InlineData(1366, 768)]
    public async Task Preview_ShowsTheThumbnail_UnderTheCsp(int width, int height)
    {
        var name = $"preview-{width}.html";
        hub.Site.MapFile($"poster-{width}.jpg", await TestMedia.JpegAsync(), "image/jpeg")
            .MapText(name, $"""
                <!DOCTYPE html><html><head><title>Preview</title><meta property="og:title" content="A Page With A Poster"></head>
                <body><video src="clip.mp4" poster="poster-{width}.jpg"></video></body></html>
                """);
        var page = await hub.SignedInPageAsync(width, height);
        var refused = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal)) lock (refused) refused.Add(m.Text); };
        await AdminPages.OpenAsync(page, "import");
        await page.FillAsync("#import-url", hub.Site.Url(name).ToString());
        await page.ClickAsync("#probe-button");

        var img = page.Locator("#probe-result .probe img.thumb");
        // yt-dlp reads the page (a second or more on this machine).
        await Assertions.Expect(page.Locator("#probe-result .probe h2")).ToContainTextAsync("A Page With A Poster", new() { Timeout = 60000 });
        await Assertions.Expect(img).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^blob:"));
        await page.WaitForFunctionAsync("() => document.querySelector('#probe-result img.thumb')?.complete");
        Assert.True(await img.EvaluateAsync<int>("i => i.naturalWidth") > 0, "the thumbnail did not load");
        Assert.Equal(1, hub.Site.Count($"poster-{width}.jpg")); // Hub fetched it; the browser never went to the site
        Assert.Equal(0, await page.Locator("#probe-existing").CountAsync());
        Assert.True(await AdminPages.FitsWidthAsync(page), $"the preview scrolls sideways at {width}px");
        await page.ScreenshotAsync(new() { Path = Path.Combine(AdminFixture.ScreenshotDir, $"import-preview-{width}-light.png"), FullPage = true });
        lock (refused) Assert.Empty(refused);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Preview_OfALinkAlreadyImported_SaysSo_AndLinksToTheEntry()
    {
        var page = await hub.SignedInPageAsync(390, 844);
        await AdminPages.OpenAsync(page, "import");
        await page.FillAsync("#import-url", hub.Site.Url("clip.mp4").ToString()); // the fixture imported it
        await page.ClickAsync("#probe-button");

        var notice = page.Locator("#probe-existing");
        await Assertions.Expect(notice).ToContainTextAsync("Already in the library");
        Assert.Equal($"#entry/{hub.VideoEntry}", await notice.Locator("a").GetAttributeAsync("href"));
        await notice.Locator("a").ClickAsync();
        await page.WaitForSelectorAsync("#player");
        await page.Context.CloseAsync();
    }
}
