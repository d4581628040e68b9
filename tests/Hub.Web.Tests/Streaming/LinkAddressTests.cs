using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;
using Hub.Web.Tests.Entries;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Web.Tests.Streaming;

/// <summary>
/// Absolute links (signed links, M3U) start with Hub:PublicUrl, else Hub's own listen address, and never with the
/// request's Host header: a forged Host must not make Hub hand out links to someone else's server.
/// </summary>
public sealed class LinkAddressTests
{
    private const string Forged = "evil.example";

    /// <summary>A signed link and an M3U line, both asked for with a forged Host header; the app is disposed after.</summary>
    private static async Task<(string Link, string M3u, string[] Listening)> LinksAsync(HubAppFactory app, string library)
    {
        try
        {
            return await LinksCoreAsync(app, library);
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    private static async Task<(string Link, string M3u, string[] Listening)> LinksCoreAsync(HubAppFactory app, string library)
    {
        await app.InitializeAsync();
        var lib = await EntrySeed.LibraryAsync(app.ConnectionString, library);
        var entry = new SeedEntry("linked") { FilePath = EntrySeed.WriteFile(Path.Combine(app.DataDir, "media", "l"), "l.mp4", 10) };
        await EntrySeed.InsertAsync(app.ConnectionString, lib, entry);
        var user = await app.CreateClientAsync("user");
        var playlist = (await (await user.PostAsJsonAsync("/api/v1/playlists", new { name = "linked" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        await user.PostAsJsonAsync($"/api/v1/playlists/{playlist}/items", new { entryId = entry.Id });

        var create = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/entries/{entry.Id}/links") { Content = JsonContent.Create(new { }) };
        create.Headers.Host = Forged;
        var created = await user.SendAsync(create);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var m3u = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/playlists/{playlist}.m3u8");
        m3u.Headers.Host = Forged + ":8443";
        var list = await user.SendAsync(m3u);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        return ((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!,
            (await list.Content.ReadAsStringAsync()).Split('\n')[2],
            [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses]);
    }

    [Fact]
    public async Task WithoutPublicUrl_LinksUseTheListenAddress_NotTheHostHeader()
    {
        var (link, m3u, listening) = await LinksAsync(new HubAppFactory(), "No Public Url");
        Assert.DoesNotContain(Forged, link, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Forged, m3u, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(listening, a => link.StartsWith(a.TrimEnd('/') + "/s/", StringComparison.Ordinal));
        Assert.Contains(listening, a => m3u.StartsWith(a.TrimEnd('/') + "/s/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithPublicUrl_LinksUseIt_EvenUnderAPath()
    {
        var (link, m3u, _) = await LinksAsync(new PublicUrlApp(), "Public Url");
        Assert.StartsWith("https://media.example.org/hub/s/", link, StringComparison.Ordinal);
        Assert.StartsWith("https://media.example.org/hub/s/", m3u, StringComparison.Ordinal);
    }

    private sealed class PublicUrlApp : HubAppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Hub:PublicUrl"] = "https://media.example.org/hub" };
    }
}
