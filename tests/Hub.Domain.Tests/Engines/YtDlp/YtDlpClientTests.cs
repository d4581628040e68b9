using Hub.Domain.Imports;

namespace Hub.Domain.Tests.Engines.YtDlp;

/// <summary>The real yt-dlp against pages on 127.0.0.1.</summary>
public sealed class YtDlpClientTests(YtDlpSite site) : IClassFixture<YtDlpSite>
{
    [Fact]
    public async Task Probe_DirectMp4_IsVideoTitledAfterFile()
    {
        var p = await site.Client.ProbeAsync(site.Url("clip.mp4"), CancellationToken.None);
        Assert.Equal("yt-dlp", p.Engine);
        Assert.Equal("clip", p.Title);
        Assert.Equal("generic", p.Platform);
        Assert.Equal("video", p.MediaKind);
        Assert.False(p.IsPlaylist);
        Assert.NotEmpty(p.Formats);
    }

    [Fact]
    public async Task Probe_VideoPage_TitleFromOgTitle_ThumbnailFromPoster()
    {
        var p = await site.Client.ProbeAsync(site.Url("page.html"), CancellationToken.None);
        Assert.Equal("OG Test Clip", p.Title);
        Assert.Equal("html5", p.Platform);
        Assert.Equal(site.Url("thumb.jpg").AbsoluteUri, p.ThumbnailUrl);
        Assert.Equal("A test clip description", p.Description);
        Assert.Equal(site.Url("page.html").AbsoluteUri, p.Url);
    }

    [Fact]
    public async Task Probe_TwoVideoPage_IsPlaylistWithTwoEntries()
    {
        var p = await site.Client.ProbeAsync(site.Url("two.html"), CancellationToken.None);
        Assert.True(p.IsPlaylist);
        Assert.Equal(2, p.EntryCount);
        Assert.Equal([site.Url("clip.mp4").AbsoluteUri, site.Url("clip2.mp4").AbsoluteUri], p.Entries.Select(e => e.Url));
    }

    [Fact]
    public async Task Probe_Missing_IsPermanentHttp404()
    {
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => site.Client.ProbeAsync(site.Url("nope.html"), CancellationToken.None));
        Assert.Equal("http-404", ex.Type);
        Assert.False(ex.Transient);
    }

    [Fact]
    public async Task Probe_PageWithOnlyLinks_IsUnsupportedUrl()
    {
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => site.Client.ProbeAsync(site.Url("links.html"), CancellationToken.None));
        Assert.Equal("unsupported-url", ex.Type);
        Assert.False(ex.Transient);
        Assert.StartsWith("Hub cannot find a video at this address", ex.Message);
    }

    [Fact]
    public async Task Probe_NonHttpScheme_RefusedBeforeRunningYtDlp()
    {
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => site.Client.ProbeAsync(new Uri("file:///etc/passwd"), CancellationToken.None));
        Assert.Equal("invalid-url", ex.Type);
    }

    [Fact]
    public async Task Search_InvalidLimit_FailsBeforeAnyNetwork() =>
        await Assert.ThrowsAsync<HubValidationException>(() => site.Client.SearchAsync("cats", "youtube", 0, CancellationToken.None));
}
