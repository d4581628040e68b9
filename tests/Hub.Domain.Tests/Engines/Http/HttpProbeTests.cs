using Hub.Domain.Engines.Http;
using Hub.Domain.Imports;
using Hub.Domain.Net;
using Hub.Domain.Tests.Net;
using Hub.Testing;

namespace Hub.Domain.Tests.Engines.Http;

public sealed class HttpProbeTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;
    private GuardedHttp _http = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync();
        _http = new GuardedHttp(new UrlGuard(new NetworkOptions { AllowPrivateNetworks = true }, new FakeHostResolver()));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private Task<ProbeResult?> ProbeAsync(string path) => new HttpProbe(_http).ProbeAsync(_server.Url(path), CancellationToken.None);

    [Fact]
    public async Task Probe_VideoFile_DescribesItWithOneHead()
    {
        var video = await TestMedia.VideoAsync();
        _server.MapFile("media/clip.mp4", video, "video/mp4");

        var probe = await ProbeAsync("media/clip.mp4");

        Assert.NotNull(probe);
        Assert.Equal("http", probe.Engine);
        Assert.Equal(Hub.Domain.Engines.SourceKind.DirectFile, probe.Kind);
        Assert.Equal("clip", probe.Title);
        Assert.Equal("mp4", probe.Extension);
        Assert.Equal("video", probe.MediaKind);
        Assert.Equal("video/mp4", probe.ContentType);
        Assert.Equal(new FileInfo(video).Length, probe.SizeBytes);
        Assert.Equal("127.0.0.1", probe.Platform);
        Assert.Equal("HEAD", Assert.Single(_server.Requests).Method);
    }

    [Fact]
    public async Task Probe_HeadRefused_FallsBackToOneByteGet()
    {
        var data = new byte[123_456];
        var file = new RangeFile(data, "audio/mpeg") { ContentDisposition = "attachment; filename=\"Track 01.mp3\"" };
        _server.Map("dl", ctx =>
        {
            if (ctx.Request.Method == "HEAD") { ctx.Response.StatusCode = 405; return Task.CompletedTask; }
            return file.HandleAsync(ctx);
        });

        var probe = await ProbeAsync("dl");

        Assert.NotNull(probe);
        Assert.Equal("Track 01", probe.Title);
        Assert.Equal("audio", probe.MediaKind);
        Assert.Equal(123_456, probe.SizeBytes);
        var requests = _server.Requests.ToArray();
        Assert.Equal(["HEAD", "GET"], requests.Select(r => r.Method));
        Assert.Equal("bytes=0-0", requests[1].Headers["Range"]);
    }

    [Theory]
    [InlineData("text/html; charset=utf-8")]
    [InlineData("application/vnd.apple.mpegurl")]
    public async Task Probe_PageOrPlaylist_IsNullForYtDlp(string contentType)
    {
        _server.MapText("watch", "<html></html>", contentType);
        Assert.Null(await ProbeAsync("watch"));
    }

    [Fact]
    public async Task Probe_Missing_IsPermanent404()
    {
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => ProbeAsync("nothing.mp4"));
        Assert.Equal("http-404", ex.Type);
        Assert.False(ex.Transient);
    }

    [Fact]
    public async Task Probe_Image_IsUnsupported()
    {
        _server.MapFile("cover.jpg", await TestMedia.JpegAsync(), "image/jpeg");
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => ProbeAsync("cover.jpg"));
        Assert.Equal("unsupported-content", ex.Type);
    }
}
