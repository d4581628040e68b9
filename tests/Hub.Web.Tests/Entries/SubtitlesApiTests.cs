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
}
