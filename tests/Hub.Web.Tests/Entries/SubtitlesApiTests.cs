using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;

namespace Hub.Web.Tests.Entries;

/// <summary>An imported clip with a subtitle stream: its track listed, served as WebVTT, and read as a transcript.</summary>
public sealed class SubtitlesApiTests(PipelineAppFactory app) : IClassFixture<PipelineAppFactory>
{
    [Fact]
    public async Task Tracks_AreListed_ServedAsWebVtt_AndReadAsText()
    {
        var site = await app.SiteAsync();
        site.MapFile("web-subtitled.mkv", await TestMedia.SubtitledVideoAsync(), "video/x-matroska");
        var (client, _) = await app.CallerAsync("user");
        var created = await client.PostAsJsonAsync("/api/v1/imports", new { url = site.Url("web-subtitled.mkv").AbsoluteUri });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var job = await PipelineAppFactory.WaitAsync(client, id);
        Assert.Equal("completed", job.GetProperty("state").GetString());
        var entryId = job.GetProperty("entryId").GetGuid();

        var tracks = await client.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{entryId}/subtitles");
        var track = Assert.Single(tracks.EnumerateArray());
        Assert.Equal("eng", track.GetProperty("lang").GetString());
        Assert.Equal("embedded", track.GetProperty("source").GetString());

        var vtt = await client.GetAsync(track.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.OK, vtt.StatusCode);
        Assert.Equal("text/vtt", vtt.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("WEBVTT", await vtt.Content.ReadAsStringAsync());

        var transcript = await client.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{entryId}/subtitles/any/transcript?timestamps=true");
        Assert.StartsWith("[0:00] Hello from the test clip.", transcript.GetProperty("text").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/entries/{entryId}/subtitles/fr.vtt")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/entries/{entryId}/subtitles/..%2F..%2Fetc%2Fpasswd")).StatusCode);
    }

    [Fact]
    public async Task ASignedLink_ServesTheTracks_ToAPlayerWithoutAToken()
    {
        var entryId = await ImportAsync("web-signed-talk", "Captions travel with the shared link.");
        var (client, _) = await app.CallerAsync("user");
        var link = await (await client.PostAsJsonAsync($"/api/v1/entries/{entryId}/links", new { kind = "stream" })).Content.ReadFromJsonAsync<JsonElement>();
        var path = link.GetProperty("path").GetString()!;
        var track = Assert.Single(link.GetProperty("subtitles").EnumerateArray());
        Assert.Equal(path + "/subtitles/eng.vtt", track.GetProperty("url").GetString());

        using var player = app.CreateClient();
        var vtt = await player.GetAsync(track.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.OK, vtt.StatusCode);
        Assert.Equal("text/vtt", vtt.Content.Headers.ContentType!.MediaType);
        Assert.Equal("*", vtt.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Captions travel with the shared link.", await vtt.Content.ReadAsStringAsync());
        var listed = await player.GetFromJsonAsync<JsonElement>(path + "/subtitles");
        Assert.Equal("eng", Assert.Single(listed.EnumerateArray()).GetProperty("lang").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await player.GetAsync(path + "/subtitles/fr.vtt")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await player.GetAsync(path + "/subtitles/..%2F..%2Fetc%2Fpasswd")).StatusCode);
        var tampered = path[..^2] + (path[^2] == 'A' ? "B" : "A") + path[^1];
        Assert.Equal(HttpStatusCode.Forbidden, (await player.GetAsync(tampered + "/subtitles/eng.vtt")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await player.GetAsync("/s/not-a-valid-link/subtitles")).StatusCode);
    }

    [Fact]
    public async Task Search_FindsAPhraseSaidOnlyInTheSubtitles()
    {
        var entryId = await ImportAsync("web-search-talk", "Seventeen turquoise lighthouses whistle.");
        var (client, _) = await app.CallerAsync("user");
        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/entries?q=" + Uri.EscapeDataString("turquoise lighthouses"));
        Assert.Contains(entryId, page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()));
        var phrase = await client.GetFromJsonAsync<JsonElement>("/api/v1/entries?q=" + Uri.EscapeDataString("\"lighthouses whistle\""));
        Assert.Contains(entryId, phrase.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()));
    }

    private async Task<Guid> ImportAsync(string name, string line)
    {
        var site = await app.SiteAsync();
        site.MapFile(name + ".mkv", await TestMedia.SpeakingVideoAsync(name, line), "video/x-matroska");
        var (client, _) = await app.CallerAsync("user");
        var created = await client.PostAsJsonAsync("/api/v1/imports", new { url = site.Url(name + ".mkv").AbsoluteUri });
        var job = await PipelineAppFactory.WaitAsync(client, (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        Assert.Equal("completed", job.GetProperty("state").GetString());
        return job.GetProperty("entryId").GetGuid();
    }
}
