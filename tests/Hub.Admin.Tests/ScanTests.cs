using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;
using Microsoft.Playwright;

namespace Hub.Admin.Tests;

/// <summary>
/// The library scanner from the Inbox: files dropped into a library's folder by hand, "Scan now", the confident name
/// filed as an entry, the others listed as unmatched to add (title and library) or ignore.
/// </summary>
[Collection(AdminCollection.Name)]
public sealed class ScanTests(AdminFixture hub) : IDisposable
{
    private readonly List<string> _folders = [];

    [Fact]
    public async Task ScanNow_FilesTheNamedClip_AndListsTheOthers_ToAddOrIgnore()
    {
        var library = await NewLibraryAsync("Scanned shows", "Some Show S01E02.mp4", "x7-qq.mp4", "k3-zz.mp4");
        var page = await hub.SignedInPageAsync(1366, 768);
        await AdminPages.OpenAsync(page, "inbox");
        var resolve = await ScanAsync(page, library, "x7-qq.mp4");
        await Assertions.Expect(page.Locator("#scan-status")).ToContainTextAsync("1 added");
        await Assertions.Expect(page.Locator("#scan-status")).ToContainTextAsync("2 unmatched");
        var ignore = page.Locator("#unmatched article", new() { HasText = "k3-zz.mp4" });
        await Assertions.Expect(ignore).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#unmatched article", new() { HasText = "Some Show" })).ToHaveCountAsync(0);
        Assert.Contains(await TitlesAsync(library.Slug), t => t.Contains("Some Show", StringComparison.Ordinal));

        // Add: a title and a library; it becomes an entry where it lies and leaves the list.
        await resolve.GetByLabel("Title").FillAsync("Holiday Tape");
        await resolve.GetByLabel("Library").SelectOptionAsync(library.Slug);
        await resolve.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await Assertions.Expect(resolve).ToHaveCountAsync(0);
        Assert.Contains("Holiday Tape", await TitlesAsync(library.Slug));

        // Ignore: it leaves the list, and the API's list too.
        await ignore.GetByRole(AriaRole.Button, new() { Name = "Ignore" }).ClickAsync();
        await Assertions.Expect(ignore).ToHaveCountAsync(0);
        Assert.Empty(await UnmatchedAsync(library.Id));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ScanNow_AndIgnore_WorkAtPhoneWidth()
    {
        var library = await NewLibraryAsync("Scanned on a phone", "m4-pp.mp4");
        var page = await hub.SignedInPageAsync(390, 844);
        await AdminPages.OpenAsync(page, "inbox");
        var card = await ScanAsync(page, library, "m4-pp.mp4");
        Assert.True(await AdminPages.FitsWidthAsync(page), "the Inbox scrolls sideways at 390 px with an unmatched file listed");
        await card.GetByRole(AriaRole.Button, new() { Name = "Ignore" }).ClickAsync();
        await Assertions.Expect(card).ToHaveCountAsync(0);
        Assert.Empty(await UnmatchedAsync(library.Id));
        await page.Context.CloseAsync();
    }

    private sealed record Library(Guid Id, string Slug, string Name);

    /// <summary>Presses the library's "Scan now", waits for the page to say the scan ended, and returns the card of <paramref name="file"/>.</summary>
    private static async Task<ILocator> ScanAsync(IPage page, Library library, string file)
    {
        await page.ClickAsync($"button[data-scan='{library.Slug}']");
        await page.WaitForSelectorAsync("#scan-status[data-state=completed]", new() { Timeout = 90000 });
        var card = page.Locator("#unmatched article", new() { HasText = file });
        await Assertions.Expect(card).ToHaveCountAsync(1);
        return card;
    }

    /// <summary>A library in a folder of its own, holding copies of a clip (distinct content each) old enough to be scanned.</summary>
    private async Task<Library> NewLibraryAsync(string name, params string[] files)
    {
        var folder = Path.Combine(Path.GetTempPath(), "hub-admin-scan-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(folder);
        _folders.Add(folder);
        var clip = await TestMedia.VideoAsync();
        foreach (var file in files)
        {
            var path = Path.Combine(folder, file);
            File.Copy(await TestMedia.VariantAsync(clip, "scan-" + Path.GetFileNameWithoutExtension(file).Replace(' ', '-')), path);
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-10)); // older than Hub:Scanner:MinFileAge
        }
        var response = await hub.Admin.PostAsJsonAsync("/api/v1/libraries", new { name, rootFolder = folder });
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new Library(created.GetProperty("id").GetGuid(), created.GetProperty("slug").GetString()!, name);
    }

    private async Task<List<string>> TitlesAsync(string library)
    {
        var page = await hub.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/entries?library={Uri.EscapeDataString(library)}&limit=50");
        return page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("title").GetString()!).ToList();
    }

    public void Dispose()
    {
        foreach (var folder in _folders)
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private async Task<List<JsonElement>> UnmatchedAsync(Guid library) =>
        (await hub.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/scan/unmatched?library={library}")).EnumerateArray().ToList();
}
