using System.Diagnostics;
using System.Security.Cryptography;
using Hub.Domain.Engines;
using Hub.Domain.Engines.Http;
using Hub.Domain.Imports;
using Hub.Domain.Net;
using Hub.Domain.Tests.Net;
using Hub.Testing;

namespace Hub.Domain.Tests.Engines.Http;

public sealed class HttpDownloadEngineTests : HttpEngineTestBase
{
    [Fact]
    public async Task Download_TestVideo_IsByteExactWithHash()
    {
        var video = await TestMedia.VideoAsync();
        _server.MapFile("media/clip.mp4", video, "video/mp4");

        var result = await DownloadAsync("media/clip.mp4");

        var expected = await File.ReadAllBytesAsync(video);
        Assert.Equal(expected, await File.ReadAllBytesAsync(result.FilePath));
        Assert.Equal(Sha256(expected), result.Sha256);
        Assert.Equal("clip.mp4", result.FileName);
        Assert.Equal(expected.Length, result.SizeBytes);
        Assert.Equal("video/mp4", result.ContentType);
        Assert.Equal(_workDir, Path.GetDirectoryName(result.FilePath));
        Assert.Equal([Path.GetFileName(result.FilePath)], Directory.GetFiles(_workDir).Select(Path.GetFileName));
        Assert.Equal("Hub/1.0", Assert.Single(_server.Requests).Headers["User-Agent"]);
    }

    [Fact]
    public async Task Download_FiveMegabytes_ReportsMonotonicProgress()
    {
        var file = await TestMedia.BytesAsync(5 * 1024 * 1024);
        _server.MapFile("big.mkv", file, "application/octet-stream");
        var progress = new ProgressLog();

        var result = await DownloadAsync("big.mkv", progress: progress);

        var expected = await File.ReadAllBytesAsync(file);
        Assert.Equal(Sha256(expected), result.Sha256);
        Assert.Equal(Sha256(expected), Sha256(await File.ReadAllBytesAsync(result.FilePath)));
        var reports = progress.Reports;
        Assert.NotEmpty(reports);
        Assert.All(reports.Zip(reports.Skip(1)), pair => Assert.True(pair.Second.BytesDone >= pair.First.BytesDone));
        Assert.Equal(expected.Length, reports[^1].BytesDone);
        Assert.Equal(100, reports[^1].Percent);
        Assert.All(reports, r => Assert.Equal(expected.Length, r.BytesTotal));
    }

    [Fact]
    public async Task Download_SlowBody_ReportsAtMostAboutFourTimesASecondWithSpeed()
    {
        var data = RandomBytes(1024 * 1024, 7);
        var file = new RangeFile(data) { ChunkSize = 32 * 1024, ChunkDelay = TimeSpan.FromMilliseconds(40) };
        _server.Map("slow.mp4", file.HandleAsync);
        var progress = new ProgressLog();
        var sw = Stopwatch.StartNew();

        await DownloadAsync("slow.mp4", progress: progress);

        var seconds = sw.Elapsed.TotalSeconds;
        Assert.InRange(progress.Reports.Count, 2, (int)(seconds * 4) + 3);
        Assert.Contains(progress.Reports, r => r.SpeedBps > 0 && r.EtaSeconds is not null);
    }

    [Theory]
    [InlineData("attachment; filename=\"My Clip.mp4\"", "My Clip.mp4")]
    [InlineData("attachment; filename*=UTF-8''%E6%97%A5%E6%9C%AC%20clip.mp4", "日本 clip.mp4")]
    [InlineData("attachment; filename=\"fallback.mp4\"; filename*=UTF-8''r%C3%A9el.mp4", "réel.mp4")]
    [InlineData("inline", "get.mp4")]
    public async Task Download_ContentDisposition_NamesTheFile(string header, string expected)
    {
        var data = RandomBytes(10_000, 1);
        _server.Map("get.php", new RangeFile(data) { ContentDisposition = header }.HandleAsync);

        var result = await DownloadAsync("get.php");

        Assert.Equal(expected, result.FileName);
        Assert.Equal(data, await File.ReadAllBytesAsync(result.FilePath));
        Assert.Equal(_workDir, Path.GetDirectoryName(result.FilePath));
    }

    [Fact]
    public async Task Download_ContentLengthOverLimit_IsTooLargeBeforeTheBody()
    {
        _server.Map("huge.mp4", new RangeFile(RandomBytes(1024 * 1024, 9)).HandleAsync);
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => DownloadAsync("huge.mp4", maxBytes: 100_000));
        Assert.Equal("too-large", ex.Type);
        Assert.False(ex.Transient);
        Assert.Empty(Directory.GetFiles(_workDir));
    }

    [Fact]
    public async Task Download_ChunkedBodyOverLimit_IsTooLargeWhileStreaming()
    {
        _server.Map("stream.mp4", new RangeFile(RandomBytes(2 * 1024 * 1024, 10)) { Chunked = true }.HandleAsync);
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => DownloadAsync("stream.mp4", maxBytes: 600_000));
        Assert.Equal("too-large", ex.Type);
        Assert.False(ex.Transient);
        Assert.Empty(Directory.GetFiles(_workDir));
    }

    [Fact]
    public async Task Download_ChunkedBodyUnderLimit_Works()
    {
        var data = RandomBytes(700_000, 11);
        _server.Map("chunked.mp4", new RangeFile(data) { Chunked = true }.HandleAsync);
        var result = await DownloadAsync("chunked.mp4", maxBytes: 700_000);
        Assert.Equal(data, await File.ReadAllBytesAsync(result.FilePath));
    }

    [Fact]
    public async Task Download_WebPage_IsNotMedia()
    {
        _server.MapText("page", "<html><body>hello</body></html>");
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => DownloadAsync("page"));
        Assert.Equal("not-media", ex.Type);
        Assert.False(ex.Transient);
    }

    [Fact]
    public async Task Download_HlsPlaylist_IsUnsupported()
    {
        _server.MapText("live.m3u8", "#EXTM3U\n", "application/vnd.apple.mpegurl");
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => DownloadAsync("live.m3u8"));
        Assert.Equal("unsupported-content", ex.Type);
        Assert.Contains("playlist", ex.Message);
    }

    [Theory]
    [InlineData(404, "http-404", false)]
    [InlineData(410, "http-410", false)]
    [InlineData(403, "http-403", false)]
    [InlineData(503, "http-5xx", true)]
    [InlineData(429, "http-429", true)]
    public async Task Download_ErrorStatus_MapsToImportError(int status, string type, bool transient)
    {
        _server.MapStatus("err.mp4", status);
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => DownloadAsync("err.mp4"));
        Assert.Equal(type, ex.Type);
        Assert.Equal(transient, ex.Transient);
        Assert.Equal(1, _server.Count("err.mp4"));
    }

    [Fact]
    public async Task Download_CancelledMidBody_StopsPromptlyAndLeavesWorkDir()
    {
        var file = new RangeFile(RandomBytes(4 * 1024 * 1024, 12)) { ChunkSize = 16 * 1024, ChunkDelay = TimeSpan.FromMilliseconds(100) };
        _server.Map("slow.mkv", file.HandleAsync);
        using var cts = new CancellationTokenSource();
        var progress = new ProgressLog(p => { if (p.BytesDone > 0) cts.Cancel(); });

        var sw = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DownloadAsync("slow.mkv", progress: progress, ct: cts.Token));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
        Assert.True(File.Exists(Path.Combine(_workDir, "slow.mkv.part")));
    }

    [Fact]
    public async Task Download_RedirectToFile_FollowsAndNamesAfterTarget()
    {
        var data = RandomBytes(50_000, 13);
        _server.Map("files/song.mp3", new RangeFile(data, "audio/mpeg").HandleAsync);
        _server.MapRedirect("share/abc", "/files/song.mp3", 302);

        var result = await DownloadAsync("share/abc");

        Assert.Equal("song.mp3", result.FileName);
        Assert.Equal(data, await File.ReadAllBytesAsync(result.FilePath));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/iam", "blocked-address")]
    [InlineData("http://[fd00:ec2::254]/", "blocked-address")]
    [InlineData("file:///etc/passwd", "blocked-scheme")]
    public async Task Download_RedirectToForbiddenTarget_IsRefused(string location, string type)
    {
        _server.MapRedirect("evil.mp4", location, 302);
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => DownloadAsync("evil.mp4"));
        Assert.Equal(type, ex.Type);
        Assert.False(ex.Transient);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Download_LoopbackWhilePrivateOff_IsRefusedBeforeAnyRequest()
    {
        _server.Map("clip.mp4", new RangeFile(RandomBytes(1000, 14)).HandleAsync);
        using var strict = new GuardedHttp(new UrlGuard(new NetworkOptions(), new FakeHostResolver()));
        var engine = new HttpDownloadEngine(strict, TimeProvider.System);
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => engine.DownloadAsync(
            new DownloadRequest(_server.Url("clip.mp4"), _workDir, FormatPresets.VideoBest, null, null), new ProgressLog(), CancellationToken.None));
        Assert.Equal("blocked-address", ex.Type);
        Assert.Empty(_server.Requests);
    }
}
