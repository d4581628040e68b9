using Hub.Domain.Imports;
using Hub.Domain.Media;
using Hub.Testing;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Tests.Media;

/// <summary>The real ffprobe on generated media.</summary>
public sealed class FfprobeClientTests : IDisposable
{
    private readonly FfprobeClient _client = new(TestPostgres.Runner, Options.Create(new HubOptions()));
    private readonly string _dir = Directory.CreateTempSubdirectory("hub-ffprobe-").FullName;

    [Fact]
    public async Task Probe_Video()
    {
        var m = await _client.ProbeAsync(await TestMedia.VideoAsync(), CancellationToken.None);
        Assert.Equal("video", m.MediaKind);
        Assert.Equal("mp4", m.Container);
        Assert.Equal(5.0, m.DurationSeconds!.Value, 1);
        Assert.Equal(320, m.Width);
    }

    [Fact]
    public async Task Probe_Mp3_IsAudio()
    {
        var m = await _client.ProbeAsync(await TestMedia.Mp3Async(), CancellationToken.None);
        Assert.Equal(("audio", "mp3", "mp3"), (m.MediaKind, m.Container, m.AudioCodec));
    }

    [Fact]
    public async Task Probe_RandomBytes_IsPermanentNotMedia()
    {
        var junk = Path.Combine(_dir, "junk.mp4");
        await File.WriteAllBytesAsync(junk, Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 251)).ToArray());
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => _client.ProbeAsync(junk, CancellationToken.None));
        Assert.Equal("not-media", ex.Type);
        Assert.False(ex.Transient);
        Assert.Equal("junk.mp4 is not a playable media file (ffprobe: Invalid data found when processing input).", ex.Message);
    }

    [Fact]
    public async Task Probe_FileNamedLikeAnOption_IsReadAsAFile()
    {
        var odd = Path.Combine(_dir, "-version");
        File.Copy(await TestMedia.AudioAsync(), odd);
        var m = await _client.ProbeAsync(odd, CancellationToken.None);
        Assert.Equal("audio", m.MediaKind);
    }

    [Fact]
    public async Task Probe_MissingFile_IsFileNotFound() =>
        await Assert.ThrowsAsync<FileNotFoundException>(() => _client.ProbeAsync(Path.Combine(_dir, "nope.mp4"), CancellationToken.None));

    [Fact]
    public void Reason_StripsPathPrefix() =>
        Assert.Equal("Invalid data found when processing input",
            FfprobeClient.Reason(FfprobeParserTests.Read("junk.bin.stderr.txt"), "/tmp/ytcap/junk.bin"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

/// <summary>
/// A downloaded "video" that is really a playlist must not make ffprobe or ffmpeg fetch what it names. ffmpeg 5.1 already
/// limits what a local playlist may open to its own protocols; Hub pins that with -protocol_whitelist for every reader
/// and future builds, and these tests guard the property (they pass on Debian's ffmpeg without the flag too).
/// </summary>
public sealed class FfprobeLocalOnlyTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hub-ffprobe-local-").FullName;
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync();
        _server.MapFile("/seg0.ts", await TestMedia.VideoAsync(), "video/mp2t");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<string> PlaylistAsync()
    {
        // ffmpeg reads a playlist as HLS only under a playlist name (m3u8, m3u, hls); a download may well carry one.
        var path = Path.Combine(_dir, "clip.m3u8");
        await File.WriteAllTextAsync(path, $"#EXTM3U\n#EXT-X-TARGETDURATION:5\n#EXTINF:5.0,\n{_server.Url("seg0.ts")}\n#EXT-X-ENDLIST\n");
        return path;
    }

    [Fact]
    public async Task Probe_OfAPlaylistInDisguise_FetchesNothing_AndIsNotMedia()
    {
        var client = new FfprobeClient(TestPostgres.Runner, Options.Create(new HubOptions()));

        await Assert.ThrowsAsync<ImportFailedException>(async () => await client.ProbeAsync(await PlaylistAsync(), CancellationToken.None));

        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Thumbnail_OfAPlaylistInDisguise_FetchesNothing()
    {
        var extractor = new ThumbnailExtractor(TestPostgres.Runner, Options.Create(new HubOptions()),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ThumbnailExtractor>.Instance);

        var thumb = await extractor.ExtractAsync(await PlaylistAsync(), Path.Combine(_dir, "thumb.jpg"), 5.0, CancellationToken.None);

        Assert.Null(thumb);
        Assert.Empty(_server.Requests);
    }
}
