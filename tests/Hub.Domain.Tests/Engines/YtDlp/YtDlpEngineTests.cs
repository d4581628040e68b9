using Hub.Domain.Engines;
using Hub.Domain.Engines.YtDlp;
using Hub.Testing;

namespace Hub.Domain.Tests.Engines.YtDlp;

/// <summary>Downloads with the real yt-dlp (and ffmpeg for audio) from 127.0.0.1.</summary>
public sealed class YtDlpEngineTests(YtDlpSite site) : IClassFixture<YtDlpSite>
{
    private readonly YtDlpEngine _engine = new(site.Client);

    [Fact]
    public async Task Download_DirectMp4_FileProgressAndMetadata()
    {
        var progress = new Recorder();
        var result = await _engine.DownloadAsync(Request("clip.mp4", FormatPresets.VideoBest), progress, CancellationToken.None);
        Assert.True(File.Exists(result.FilePath));
        Assert.Equal(new FileInfo(await TestMedia.VideoAsync()).Length, result.SizeBytes);
        Assert.Equal("clip.mp4", result.FileName);
        Assert.Equal("video/mp4", result.ContentType);
        Assert.NotEmpty(progress.Reports);
        Assert.Equal(100, progress.Reports[^1].Percent);
        Assert.Equal("clip", result.Metadata?.SourceId);
        Assert.Equal("generic", result.Metadata?.Platform);
    }

    [Fact]
    public async Task Download_VideoPage_UsesPageTitle_AndKeepsPosterAsThumbnail()
    {
        var progress = new Recorder();
        var result = await _engine.DownloadAsync(Request("page.html", FormatPresets.Video720), progress, CancellationToken.None);
        Assert.Equal("OG Test Clip.mp4", result.FileName);
        Assert.True(File.Exists(result.FilePath));
        Assert.NotNull(result.ThumbnailPath);
        Assert.True(File.Exists(result.ThumbnailPath));
        Assert.Equal("html5", result.Metadata?.Platform);
        Assert.Equal(100, progress.Reports[^1].Percent);
    }

    [Fact]
    public async Task Download_AudioMp3_ProducesMp3()
    {
        var result = await _engine.DownloadAsync(Request("page.html", FormatPresets.AudioMp3), new Recorder(), CancellationToken.None);
        Assert.Equal(".mp3", Path.GetExtension(result.FilePath));
        Assert.Equal("OG Test Clip.mp3", result.FileName);
        Assert.Equal("audio/mpeg", result.ContentType);
        // An MP3 frame header starts with 11 set bits, or the file starts with an ID3 tag.
        var head = File.ReadAllBytes(result.FilePath).AsSpan(0, 3).ToArray();
        Assert.True(head is [(byte)'I', (byte)'D', (byte)'3'] || (head[0] == 0xFF && (head[1] & 0xE0) == 0xE0));
    }

    [Fact]
    public async Task Download_TooLarge_IsPermanent()
    {
        var ex = await Assert.ThrowsAsync<Hub.Domain.Imports.ImportFailedException>(() =>
            _engine.DownloadAsync(Request("clip.mp4", FormatPresets.VideoBest) with { MaxBytes = 1000 }, new Recorder(), CancellationToken.None));
        Assert.Equal("too-large", ex.Type);
        Assert.False(ex.Transient);
    }

    [Fact]
    public async Task Download_Cancelled_KillsYtDlpTree()
    {
        var request = Request("slow.mp4", FormatPresets.AudioMp3);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new Recorder(_ => started.TrySetResult());
        using var cts = new CancellationTokenSource();
        var download = _engine.DownloadAsync(request, progress, cts.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEmpty(ProcessInfo.Find(request.WorkDir));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => download);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (ProcessInfo.Find(request.WorkDir).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.Empty(ProcessInfo.Find(request.WorkDir));
    }

    private DownloadRequest Request(string path, string preset) => new(site.Url(path), site.NewWorkDir(), preset, null, null);

    /// <summary>Collects reports synchronously (Progress&lt;T&gt; would post them to the thread pool, out of order).</summary>
    private sealed class Recorder(Action<DownloadProgress>? onReport = null) : IProgress<DownloadProgress>
    {
        public List<DownloadProgress> Reports { get; } = [];

        public void Report(DownloadProgress value)
        {
            lock (Reports) Reports.Add(value);
            onReport?.Invoke(value);
        }
    }
}
