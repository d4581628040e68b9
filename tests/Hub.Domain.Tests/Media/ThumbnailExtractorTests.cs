using Hub.Domain.Media;
using Hub.Domain.Processes;
using Hub.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Tests.Media;

/// <summary>The real ffmpeg on generated media; every thumbnail made is checked with the real ffprobe.</summary>
public sealed class ThumbnailExtractorTests : IDisposable
{
    private readonly ThumbnailExtractor _extractor = new(TestPostgres.Runner, Options.Create(new HubOptions()), NullLogger<ThumbnailExtractor>.Instance);
    private readonly FfprobeClient _ffprobe = new(TestPostgres.Runner, Options.Create(new HubOptions()));
    private readonly string _dir = Directory.CreateTempSubdirectory("hub-thumbs-").FullName;

    [Fact]
    public async Task Extract_Video_FrameAsJpeg()
    {
        var jpeg = await _extractor.ExtractAsync(await TestMedia.VideoAsync(), Out("v.jpg"), 5.0, CancellationToken.None);
        var info = await ProbeJpegAsync(jpeg);
        Assert.Equal((320, 240), (info.Width!.Value, info.Height!.Value));
    }

    [Fact]
    public async Task Extract_WideVideo_ScaledTo640()
    {
        var wide = Path.Combine(_dir, "wide.mp4");
        await FfmpegAsync(["-f", "lavfi", "-i", "testsrc=duration=2:size=1280x720:rate=10", "-c:v", "libx264", "-pix_fmt", "yuv420p", wide]);
        var info = await ProbeJpegAsync(await _extractor.ExtractAsync(wide, Out("w.jpg"), null, CancellationToken.None));
        Assert.Equal((640, 360), (info.Width!.Value, info.Height!.Value));
    }

    [Fact]
    public async Task Extract_DurationPastTheEnd_FallsBackToFirstFrame()
    {
        var jpeg = await _extractor.ExtractAsync(await TestMedia.VideoAsync(), Out("late.jpg"), 500.0, CancellationToken.None);
        await ProbeJpegAsync(jpeg);
    }

    [Fact]
    public async Task Extract_Mp3WithCover_ReturnsTheCover()
    {
        var cover = Path.Combine(_dir, "cover.mp3");
        await FfmpegAsync(["-i", await TestMedia.Mp3Async(), "-i", await TestMedia.JpegAsync(), "-map", "0", "-map", "1", "-c", "copy",
            "-id3v2_version", "3", "-disposition:v", "attached_pic", cover]);
        var info = await ProbeJpegAsync(await _extractor.ExtractAsync(cover, Out("c.jpg"), 4.0, CancellationToken.None));
        Assert.Equal((160, 120), (info.Width!.Value, info.Height!.Value));
    }

    [Fact]
    public async Task Extract_PlainAudio_IsNull()
    {
        Assert.Null(await _extractor.ExtractAsync(await TestMedia.Mp3Async(), Out("a.jpg"), 4.0, CancellationToken.None));
        Assert.False(File.Exists(Out("a.jpg")));
    }

    [Fact]
    public async Task Extract_NotMedia_IsNull()
    {
        var junk = Path.Combine(_dir, "junk.bin");
        await File.WriteAllTextAsync(junk, "definitely not a video");
        Assert.Null(await _extractor.ExtractAsync(junk, Out("j.jpg"), null, CancellationToken.None));
    }

    private string Out(string name) => Path.Combine(_dir, "out", name);

    private async Task<MediaInfo> ProbeJpegAsync(string? jpeg)
    {
        Assert.NotNull(jpeg);
        Assert.True(File.Exists(jpeg));
        var info = await _ffprobe.ProbeAsync(jpeg, CancellationToken.None);
        Assert.Equal("mjpeg", info.VideoCodec);
        return info;
    }

    private static async Task FfmpegAsync(string[] args)
    {
        var r = await TestPostgres.Runner.RunAsync(new ProcessSpec("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", .. args]), CancellationToken.None);
        Assert.True(r.Succeeded, r.Stderr);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
