using Hub.Domain.Engines.YtDlp;

namespace Hub.Domain.Tests.Engines.YtDlp;

public sealed class YtDlpJsonMapperTests
{
    private static readonly Uri Base = new("http://127.0.0.1:8765/");

    [Fact]
    public void Probe_DirectMp4_IsGenericVideoNamedAfterFile()
    {
        var p = YtDlpJsonMapper.ToProbeResult(YtDlpGolden.Read("probe-direct-mp4.json"), new Uri(Base, "clip.mp4"));
        Assert.Equal("yt-dlp", p.Engine);
        Assert.Equal(Hub.Domain.Engines.SourceKind.SitePage, p.Kind);
        Assert.Equal("clip", p.Title);
        Assert.Equal("clip", p.SourceId);
        Assert.Equal("generic", p.Platform);
        Assert.Equal("video", p.MediaKind);
        Assert.Equal("mp4", p.Extension);
        Assert.Null(p.DurationSeconds);
        Assert.Null(p.ThumbnailUrl);
        Assert.False(p.IsPlaylist);
        Assert.Equal("http://127.0.0.1:8765/clip.mp4", p.Url);
        var f = Assert.Single(p.Formats);
        Assert.Equal("mp4", f.Id);
        Assert.Equal("mp4", f.Extension);
    }

    [Fact]
    public void Probe_Html5Page_StripsCounterSuffix_KeepsPosterAndDescription()
    {
        var p = YtDlpJsonMapper.ToProbeResult(YtDlpGolden.Read("probe-html5-page.json"), new Uri(Base, "page.html"));
        Assert.Equal("OG Test Clip", p.Title);
        Assert.Equal("page-1", p.SourceId);
        Assert.Equal("html5", p.Platform);
        Assert.Equal("http://127.0.0.1:8765/thumb.jpg", p.ThumbnailUrl);
        Assert.Equal("A test clip description", p.Description);
        Assert.Equal("http://127.0.0.1:8765/page.html", p.Url);
        Assert.Equal("video", p.MediaKind);
        Assert.NotNull(p.UploadDate);
    }

    [Fact]
    public void Probe_TwoVideoPage_IsPlaylistOfTheMediaUrls()
    {
        var p = YtDlpJsonMapper.ToProbeResult(YtDlpGolden.Read("probe-two-video-playlist.json"), new Uri(Base, "two.html"));
        Assert.True(p.IsPlaylist);
        Assert.Equal("Two Clips", p.Title);
        Assert.Equal(2, p.EntryCount);
        Assert.Equal(2, p.Entries.Count);
        // Both entries share the page as webpage_url, so the media URL is the one that tells them apart.
        Assert.Equal("http://127.0.0.1:8765/clip.mp4", p.Entries[0].Url);
        Assert.Equal("http://127.0.0.1:8765/clip2.mp4", p.Entries[1].Url);
        Assert.Equal("Two Clips (1)", p.Entries[0].Title);
        Assert.Equal("two-2", p.Entries[1].Id);
    }

    [Fact]
    public void Probe_JsonLdPage_HasDurationThumbnailAndUploadDate()
    {
        var p = YtDlpJsonMapper.ToProbeResult(YtDlpGolden.Read("probe-jsonld-page.json"), new Uri(Base, "jsonld.html"));
        Assert.Equal("JSON-LD Clip", p.Title);
        Assert.Equal(5.0, p.DurationSeconds);
        Assert.Equal("http://127.0.0.1:8765/thumb.jpg", p.ThumbnailUrl);
        Assert.Equal(new DateOnly(2024, 3, 15), p.UploadDate);
        Assert.Equal("Described in JSON-LD", p.Description);
        Assert.Equal("generic", p.Platform);
    }

    [Fact]
    public void Probe_RssFeed_EntriesKeepSmuggledUrlsUnchanged()
    {
        var p = YtDlpJsonMapper.ToProbeResult(YtDlpGolden.Read("probe-rss-feed.json"), new Uri(Base, "feed.xml"));
        Assert.True(p.IsPlaylist);
        Assert.Equal("Test Feed", p.Title);
        Assert.Equal(2, p.EntryCount);
        Assert.Equal("Episode One", p.Entries[0].Title);
        Assert.Equal("http://127.0.0.1:8765/clip.mp4#__youtubedl_smuggle=%7B%22force_videoid%22%3A+%22ep1%22%7D", p.Entries[0].Url);
        Assert.Equal("Episode Two", p.Entries[1].Title);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("")]
    [InlineData("[1,2]")]
    public void Probe_NoInfoObject_IsFormatException(string json) =>
        Assert.Throws<FormatException>(() => YtDlpJsonMapper.ToProbeResult(json, Base));

    [Fact]
    public void Probe_AudioOnlyFormats_IsAudio_AndBestThumbnailChosen()
    {
        const string json = """
            {"id":"42","title":"Song","extractor":"youtube","uploader":null,"channel":"Chan","duration":61,
             "thumbnails":[{"url":"s.jpg","width":10,"height":10},{"url":"l.jpg","width":100,"height":80},{"url":"m.jpg","width":50,"height":50}],
             "formats":[{"format_id":"140","ext":"m4a","vcodec":"none","acodec":"mp4a.40.2","filesize":1000,"tbr":129.5,"format_note":"medium"},
                        {"format_id":"251","ext":"webm","vcodec":"none","acodec":"opus","filesize_approx":900}]}
            """;
        var p = YtDlpJsonMapper.ToProbeResult(json, Base);
        Assert.Equal("audio", p.MediaKind);
        Assert.Equal("l.jpg", p.ThumbnailUrl);
        Assert.Equal("Chan", p.Uploader);
        Assert.Equal("youtube", p.Platform);
        Assert.Equal(new[] { 1000L, 900L }, p.Formats.Select(f => f.SizeBytes!.Value));
        Assert.Equal(129.5, p.Formats[0].Bitrate);
        Assert.Equal("medium", p.Formats[0].Note);
    }

    [Theory]
    [InlineData("Clip (1)", "page-1", "html5", true, "Clip")]
    [InlineData("Clip (2)", "page-2", "html5", true, "Clip")]
    [InlineData("Clip (1)", "page-1", "html5", false, "Clip (1)")]
    [InlineData("Symphony (5)", "abc", "html5", true, "Symphony (5)")]
    [InlineData("Symphony (5)", "x-5", "youtube", true, "Symphony (5)")]
    [InlineData(" (1)", "page-1", "html5", true, " (1)")]
    public void CleanTitle_OnlyStripsProvenHtml5Counter(string title, string id, string platform, bool topLevel, string expected) =>
        Assert.Equal(expected, YtDlpJsonMapper.CleanTitle(title, id, platform, topLevel));

    [Theory]
    [InlineData("youtube:tab", "youtube")]
    [InlineData("Generic", "generic")]
    [InlineData("html5", "html5")]
    [InlineData("", null)]
    public void PlatformOf_LowerCaseSiteName(string extractor, string? expected) =>
        Assert.Equal(expected, YtDlpJsonMapper.PlatformOf(extractor));

    [Fact]
    public void Search_Youtube_MapsFlatEntries()
    {
        var results = YtDlpJsonMapper.ToSearchResults(YtDlpGolden.Read("search-youtube.json"), "youtube");
        Assert.Equal(2, results.Count);
        var first = results[0];
        Assert.Equal("https://www.youtube.com/watch?v=aqz-KE-bpKQ", first.Url);
        Assert.Equal("Blender", first.Uploader);
        Assert.Equal(635, first.DurationSeconds);
        Assert.Equal("youtube", first.Platform);
        Assert.Equal("aqz-KE-bpKQ", first.Id);
        Assert.Contains("CNAFEJQD", first.ThumbnailUrl);
        Assert.Null(results[1].Uploader);
        Assert.Null(results[1].DurationSeconds);
    }

    [Fact]
    public void Search_Soundcloud_PrefersPermalink_AndLargestArtwork()
    {
        var r = Assert.Single(YtDlpJsonMapper.ToSearchResults(YtDlpGolden.Read("search-soundcloud.json"), "soundcloud"));
        Assert.Equal("https://soundcloud.com/some-artist/test-track", r.Url);
        Assert.Equal("Test Track", r.Title);
        Assert.Equal("Some Artist", r.Uploader);
        Assert.Equal(187.5, r.DurationSeconds);
        Assert.Equal("soundcloud", r.Platform);
        Assert.Equal("https://i1.sndcdn.com/artworks-abc-t500x500.jpg", r.ThumbnailUrl);
    }
}
