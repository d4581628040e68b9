using Hub.Domain.Engines.Http;
using Hub.Domain.Imports;

namespace Hub.Domain.Tests.Engines.Http;

public sealed class HttpMediaTypesTests
{
    [Theory]
    [InlineData("video/mp4", "a.mp4", true)]
    [InlineData("video/x-unknown-but-video", "a", true)]
    [InlineData("audio/mpeg; charset=binary", "a.mp3", true)]
    [InlineData("AUDIO/FLAC", null, true)]
    [InlineData("application/octet-stream", "movie.mkv", true)]
    [InlineData("binary/octet-stream", "album.zip", true)]
    [InlineData("application/octet-stream", "file.torrent", true)]
    [InlineData("application/octet-stream", "data.bin", false)]
    [InlineData("application/octet-stream", null, false)]
    [InlineData(null, "song.flac", true)]
    [InlineData(null, "notes.txt", false)]
    [InlineData("application/zip", "x", true)]
    [InlineData("application/x-tar", "x", true)]
    [InlineData("application/gzip", "x", true)]
    [InlineData("application/x-7z-compressed", "x", true)]
    [InlineData("application/vnd.rar", "x", true)]
    [InlineData("application/x-bittorrent", "x", true)]
    [InlineData("application/ogg", "x", true)]
    [InlineData("application/mp4", "x", true)]
    [InlineData("application/x-matroska", "x", true)]
    [InlineData("application/vnd.apple.mpegurl", "index.m3u8", false)]
    [InlineData("audio/x-mpegurl", "list.m3u8", false)]
    [InlineData("application/octet-stream", "index.m3u8", false)]
    [InlineData("application/dash+xml", "manifest.mpd", false)]
    [InlineData("text/html; charset=utf-8", "index.html", false)]
    [InlineData("text/html", "video.mp4", false)]
    [InlineData("application/xhtml+xml", "x", false)]
    [InlineData("image/jpeg", "cover.jpg", false)]
    [InlineData("application/json", "x.json", false)]
    [InlineData("text/plain", "a.mp4", false)]
    public void IsDownloadable_Table(string? contentType, string? fileName, bool expected)
    {
        Assert.Equal(expected, HttpMediaTypes.IsDownloadable(contentType, fileName));
    }

    [Theory]
    [InlineData("text/html", "x", "not-media")]
    [InlineData("application/vnd.apple.mpegurl", "x", "unsupported-content")]
    [InlineData("image/png", "x.png", "unsupported-content")]
    [InlineData("application/octet-stream", "x.exe", "unsupported-content")]
    public void EnsureDownloadable_Refusal_HasStableType(string contentType, string fileName, string type)
    {
        var ex = Assert.Throws<ImportFailedException>(() => HttpMediaTypes.EnsureDownloadable(contentType, fileName));
        Assert.Equal(type, ex.Type);
        Assert.False(ex.Transient);
    }

    [Theory]
    [InlineData("video/mp4", ".bin", "video")]
    [InlineData("audio/ogg", ".ogg", "audio")]
    [InlineData("application/octet-stream", ".mkv", "video")]
    [InlineData("application/octet-stream", ".opus", "audio")]
    [InlineData("application/zip", ".zip", null)]
    public void MediaKind_FromTypeThenExtension(string contentType, string extension, string? expected)
    {
        Assert.Equal(expected, HttpMediaTypes.MediaKind(contentType, extension));
    }
}
