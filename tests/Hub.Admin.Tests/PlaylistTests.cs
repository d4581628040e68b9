using System.Buffers.Binary;
using System.Buffers.Text;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Hub.Admin.Tests;

[Collection(AdminCollection.Name)]
public sealed class PlaylistTests(AdminFixture hub)
{
    [Fact]
    public async Task Static_BuiltFromEntryPages_Reordered_PlaysAllInOrder()
    {
        var page = await hub.SignedInPageAsync(1366, 768);
        await AdminPages.OpenAsync(page, "playlists");
        var name = "Mix " + Guid.NewGuid().ToString("N")[..6];
        await page.FillAsync("#pl-name", name);
        await page.ClickAsync("button[type=submit]:has-text('Create')");
        await page.WaitForSelectorAsync("#playlist-items");
        var id = page.Url[(page.Url.LastIndexOf('/') + 1)..];

        foreach (var entry in new[] { hub.VideoEntry, hub.AudioEntry })
        {
            await AdminPages.OpenAsync(page, $"entry/{entry}");
            await page.SelectOptionAsync("#add-playlist", id);
            await page.ClickAsync("#add-to-playlist");
            await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("Added");
        }

        await AdminPages.OpenAsync(page, $"playlist/{id}");
        var rows = page.Locator("#playlist-items li");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-entry", hub.VideoEntry.ToString());
        // The audio goes first.
        await rows.Nth(1).Locator("button[aria-label^='Move'][aria-label$='up']").ClickAsync();
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-entry", hub.AudioEntry.ToString());

        // Play all: the first (audio) plays; when it ends, the video follows.
        await page.ClickAsync("#play-all");
        await page.WaitForSelectorAsync("#playlist-player audio#player[data-index='0']");
        await page.EvalOnSelectorAsync("#player", """
            async (m) => {
              if (m.readyState < 1) await new Promise((r) => { m.onloadedmetadata = r; });
              m.muted = true; m.currentTime = Math.max(0, m.duration - 0.3); await m.play();
            }
            """);
        await page.WaitForSelectorAsync("#playlist-player video#player[data-index='1']", new() { Timeout = 20000 });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Static_ReorderedByDrag_StaysInItsNewOrder()
    {
        var created = await (await hub.Admin.PostAsJsonAsync("/api/v1/playlists", new { name = "Drag " + Guid.NewGuid().ToString("N")[..6], kind = "static" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetGuid();
        foreach (var entry in new[] { hub.VideoEntry, hub.AudioEntry })
        {
            (await hub.Admin.PostAsJsonAsync($"/api/v1/playlists/{id}/items", new { entryId = entry })).EnsureSuccessStatusCode();
        }
        var page = await hub.SignedInPageAsync(1366, 768);
        await AdminPages.OpenAsync(page, $"playlist/{id}");
        var rows = page.Locator("#playlist-items li");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await rows.Nth(1).DragToAsync(rows.First);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-entry", hub.AudioEntry.ToString());

        // Persisted: the API (and so a reload) has the new order.
        var order = (await hub.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/playlists/{id}/entries")).GetProperty("items").EnumerateArray()
            .Select(e => e.GetProperty("id").GetGuid()).ToList();
        Assert.Equal([hub.AudioEntry, hub.VideoEntry], order);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Dynamic_PreviewsItsMatches_WhileBuilt()
    {
        var page = await hub.SignedInPageAsync(390, 844);
        await AdminPages.OpenAsync(page, "playlists");
        await page.FillAsync("#pl-name", "Only audio " + Guid.NewGuid().ToString("N")[..6]);
        await page.SelectOptionAsync("#pl-kind", "dynamic");
        await page.SelectOptionAsync("#pl-media", "audio");
        await Assertions.Expect(page.Locator("#pl-preview")).ToContainTextAsync("1 entry matches");
        await page.ClickAsync("button[type=submit]:has-text('Create')");
        await page.WaitForSelectorAsync("#playlist-items");
        var rows = page.Locator("#playlist-items li");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-entry", hub.AudioEntry.ToString());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Static_ServedAPageAtATime_ShowsAndPlaysEveryEntry_WithRowButtonsNamingTheirEntry()
    {
        var created = await (await hub.Admin.PostAsJsonAsync("/api/v1/playlists", new { name = "Paged " + Guid.NewGuid().ToString("N")[..6], kind = "static" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetGuid();
        var titles = new List<string>();
        foreach (var entry in new[] { hub.VideoEntry, hub.AudioEntry })
        {
            (await hub.Admin.PostAsJsonAsync($"/api/v1/playlists/{id}/items", new { entryId = entry })).EnsureSuccessStatusCode();
            titles.Add((await hub.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{entry}")).GetProperty("title").GetString()!);
        }
        var page = await hub.SignedInPageAsync(390, 844);
        // Hub pages by 200; here it answers one entry a page, so two entries take the paging a 201st would.
        var pages = 0;
        await page.RouteAsync(new Regex(@"/api/v1/playlists/[^/]+/entries\?"), route =>
        {
            Interlocked.Increment(ref pages);
            return route.ContinueAsync(new() { Url = Regex.Replace(route.Request.Url, @"limit=\d+", "limit=1") });
        });
        await AdminPages.OpenAsync(page, $"playlist/{id}");
        var rows = page.Locator("#playlist-items li");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        Assert.True(pages >= 2, $"the page asked for {pages} page(s) of entries");
        await Assertions.Expect(rows.Nth(1)).ToHaveAttributeAsync("data-entry", hub.AudioEntry.ToString());

        // Each row's buttons say which entry they act on.
        for (var i = 0; i < 2; i++)
        {
            await Assertions.Expect(rows.Nth(i).GetByRole(AriaRole.Button, new() { Name = $"Play {titles[i]}", Exact = true })).ToHaveCountAsync(1);
            await Assertions.Expect(rows.Nth(i).GetByRole(AriaRole.Button, new() { Name = $"Remove {titles[i]} from the playlist", Exact = true })).ToHaveCountAsync(1);
        }

        // Play all goes on past the first page: the second entry follows the first.
        await page.ClickAsync("#play-all");
        await Assertions.Expect(page.Locator("#playlist-player p")).ToContainTextAsync("Playing 1 of 2");
        await page.EvalOnSelectorAsync("#player", """
            async (m) => {
              if (m.readyState < 1) await new Promise((r) => { m.onloadedmetadata = r; });
              m.muted = true; m.currentTime = Math.max(0, m.duration - 0.3); await m.play();
            }
            """);
        await page.WaitForSelectorAsync("#playlist-player audio#player[data-index='1']", new() { Timeout = 20000 });
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("604800", "7 days")]
    [InlineData("86400", "1 day")]
    public async Task SaveAsM3u_ForTheChosenTime_HasLinksThatLastThatLong(string seconds, string said)
    {
        var page = await hub.SignedInPageAsync(390, 844);
        await AdminPages.OpenAsync(page, $"playlist/{hub.Playlist}");
        await page.SelectOptionAsync("#m3u-ttl", seconds);
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#save-m3u"));
        var links = (await File.ReadAllLinesAsync(await download.PathAsync())).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Equal(2, links.Count);
        foreach (var link in links)
        {
            // A signed link's token: entry id (16 bytes), kind (1), expiry in Unix seconds (8, big-endian), then its MAC.
            var token = Base64Url.DecodeFromChars(link.AsSpan(link.LastIndexOf("/s/", StringComparison.Ordinal) + 3));
            var expires = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(token.AsSpan(17, 8)));
            var wanted = TimeSpan.FromSeconds(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture));
            Assert.InRange(expires - DateTimeOffset.UtcNow, wanted - TimeSpan.FromMinutes(2), wanted);
        }
        var toast = page.Locator("#toast");
        await Assertions.Expect(toast).ToContainTextAsync($"its links work for {said}");
        // The toast stays clear of the button and the choice beside it.
        var box = (await toast.BoundingBoxAsync())!;
        foreach (var control in new[] { "#save-m3u", "#m3u-ttl" })
        {
            var c = (await page.Locator(control).BoundingBoxAsync())!;
            Assert.False(box.X < c.X + c.Width && c.X < box.X + box.Width && box.Y < c.Y + c.Height && c.Y < box.Y + box.Height, $"the toast covers {control}");
        }
        await page.Context.CloseAsync();
    }
}
