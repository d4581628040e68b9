using System.Diagnostics;
using System.Security.Cryptography;
using Hub.Domain.Engines;
using Hub.Domain.Engines.Http;
using Hub.Domain.Imports;
using Hub.Domain.Net;
using Hub.Domain.Tests.Net;
using Hub.Testing;

namespace Hub.Domain.Tests.Engines.Http;

public sealed class HttpDownloadEngineTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;
    private GuardedHttp _http = null!;
    private readonly string _workDir = Path.Combine(Path.GetTempPath(), "hub-http-test-" + Guid.NewGuid().ToString("N")[..12]);

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync();
        _http = new GuardedHttp(new UrlGuard(new NetworkOptions { AllowPrivateNetworks = true }, new FakeHostResolver()));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        if (Directory.Exists(_workDir))
        {
            Directory.Delete(_workDir, recursive: true);
        }
    }

    private HttpDownloadEngine Engine() => new(_http, TimeProvider.System);

    private Task<DownloadResult> DownloadAsync(string path, long? maxBytes = null, IProgress<DownloadProgress>? progress = null, CancellationToken ct = default) =>
        Engine().DownloadAsync(new DownloadRequest(_server.Url(path), _workDir, FormatPresets.VideoBest, maxBytes, null),
            progress ?? new ProgressLog(), ct);

    private static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static long ResumeOffset(RecordedRequest request)
    {
        var range = request.Headers["Range"];
        Assert.Matches("^bytes=[0-9]+-$", range);
        return long.Parse(range["bytes=".Length..^1]);
    }

    private static byte[] RandomBytes(int size, int seed)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }

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
    public async Task Download_ConnectionDropsMidFile_ResumesWithRange()
    {
        var data = RandomBytes(3 * 1024 * 1024, 2);
        var file = new RangeFile(data) { DropAtOffset = 1024 * 1024, DropsLeft = 1 };
        _server.Map("drop.mp4", file.HandleAsync);

        var result = await DownloadAsync("drop.mp4");

        Assert.Equal(data, await File.ReadAllBytesAsync(result.FilePath));
        Assert.Equal(Sha256(data), result.Sha256);
        var requests = _server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.False(requests[0].Headers.ContainsKey("Range"));
        // An abort may lose bytes still in flight, so the resume point is wherever the client got to.
        var resumedAt = ResumeOffset(requests[1]);
        Assert.InRange(resumedAt, 1, 1024 * 1024);
        Assert.Equal("\"v1\"", requests[1].Headers["If-Range"]);
    }

    [Fact]
    public async Task Download_DropsEveryTime_GivesUpAsRetryableNetworkAfterThreeResumes()
    {
        var data = RandomBytes(2 * 1024 * 1024, 3);
        var file = new RangeFile(data) { DropAtOffset = 512 * 1024, DropsLeft = 1 };
        // After the first drop every resume is dropped at once: no progress, so the engine must stop.
        file.OnDrop = () => { file.DropAtOffset = data.Length + 1L; };
        _server.Map("flaky.mp4", ctx =>
        {
            if (ctx.Request.Headers.Range.Count > 0) { ctx.Abort(); return Task.CompletedTask; }
            return file.HandleAsync(ctx);
        });

        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => DownloadAsync("flaky.mp4"));
        Assert.Equal("network", ex.Type);
        Assert.True(ex.Transient);
        Assert.Equal(1 + 3, _server.Count("flaky.mp4")); // the first request, then three resumes
    }

    [Fact]
    public async Task Download_NextAttemptWithLeftoverPart_ResumesFromIt()
    {
        var data = RandomBytes(3 * 1024 * 1024, 4);
        var file = new RangeFile(data) { DropAtOffset = 1024 * 1024, DropsLeft = 1 };
        file.OnDrop = () => file.Unavailable = true;
        _server.Map("resume.mp4", file.HandleAsync);

        var first = await Assert.ThrowsAsync<ImportFailedException>(() => DownloadAsync("resume.mp4"));
        Assert.Equal("http-5xx", first.Type);
        Assert.True(first.Transient);
        var partLength = new FileInfo(Path.Combine(_workDir, "resume.mp4.part")).Length;
        Assert.InRange(partLength, 1, 1024 * 1024);
        Assert.True(File.Exists(Path.Combine(_workDir, "resume.mp4.part.json")));

        file.Unavailable = false;
        var result = await DownloadAsync("resume.mp4");

        Assert.Equal(data, await File.ReadAllBytesAsync(result.FilePath));
        Assert.Equal(Sha256(data), result.Sha256);
        var last = _server.Requests.Last();
        Assert.Equal(partLength, ResumeOffset(last));
        Assert.False(File.Exists(Path.Combine(_workDir, "resume.mp4.part")));
        Assert.False(File.Exists(Path.Combine(_workDir, "resume.mp4.part.json")));
    }

    [Fact]
    public async Task Download_FileChangedSinceLastAttempt_StartsOver()
    {
        var oldData = RandomBytes(2 * 1024 * 1024, 5);
        var file = new RangeFile(oldData) { DropAtOffset = 1024 * 1024, DropsLeft = 1 };
        file.OnDrop = () => file.Unavailable = true;
        _server.Map("changed.mp4", file.HandleAsync);
        await Assert.ThrowsAsync<ImportFailedException>(() => DownloadAsync("changed.mp4"));

        var newData = RandomBytes(1536 * 1024, 6);
        file.Data = newData;
        file.ETag = "\"v2\"";
        file.Unavailable = false;
        var result = await DownloadAsync("changed.mp4");

        Assert.Equal(newData, await File.ReadAllBytesAsync(result.FilePath));
        Assert.Equal(Sha256(newData), result.Sha256);
        Assert.Equal("\"v1\"", _server.Requests.Last().Headers["If-Range"]);
    }

    [Fact]
    public async Task Download_LeftoverPartAlreadyComplete_FinishesOn416()
    {
        var data = RandomBytes(300_000, 8);
        _server.Map("done.mp4", new RangeFile(data).HandleAsync);
        Directory.CreateDirectory(_workDir);
        var part = new PartialDownload(Path.Combine(_workDir, "done.mp4.part"));
        await File.WriteAllBytesAsync(part.PartPath, data);
        await part.SaveAsync(new PartState(_server.Url("done.mp4").AbsoluteUri, "\"v1\"", null, data.Length, "done.mp4", "video/mp4"), CancellationToken.None);

        var result = await DownloadAsync("done.mp4");

        Assert.Equal(Sha256(data), result.Sha256);
        Assert.Equal(data, await File.ReadAllBytesAsync(result.FilePath));
        Assert.Equal($"bytes={data.Length}-", Assert.Single(_server.Requests).Headers["Range"]);
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

/// <summary>Records progress synchronously, in order (Progress&lt;T&gt; would post to the thread pool and reorder).</summary>
public sealed class ProgressLog(Action<DownloadProgress>? onReport = null) : IProgress<DownloadProgress>
{
    private readonly List<DownloadProgress> _reports = [];

    public IReadOnlyList<DownloadProgress> Reports
    {
        get { lock (_reports) return _reports.ToList(); }
    }

    public void Report(DownloadProgress value)
    {
        lock (_reports) _reports.Add(value);
        onReport?.Invoke(value);
    }
}
