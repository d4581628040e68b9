using Hub.Domain.Media;

namespace Hub.Domain.Tests.Media;

public sealed class FfprobeParserTests
{
    private static MediaInfo Golden(string name) => FfprobeParser.Parse(Read(name));

    internal static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Media", name));

    [Fact]
    public void Parse_Mp4Video()
    {
        var m = Golden("clip.mp4.json");
        Assert.Equal("mp4", m.Container);
        Assert.Equal("video", m.MediaKind);
        Assert.Equal(5.0, m.DurationSeconds);
        Assert.Equal(72442, m.SizeBytes);
        Assert.Equal(115907, m.BitRate);
        Assert.Equal((320, 240), (m.Width!.Value, m.Height!.Value));
        Assert.Equal("h264", m.VideoCodec);
        Assert.Equal("aac", m.AudioCodec);
        Assert.Equal(25, m.FrameRate);
        Assert.Equal(1, m.AudioChannels);
        Assert.Equal(44100, m.SampleRate);
        Assert.Equal(2, m.Streams.Count);
        Assert.Equal("High", m.Streams[0].Profile);
        Assert.Null(m.Streams[0].Language); // "und" means unknown
        Assert.Contains("\"format_name\"", m.RawJson);
        Assert.False(m.HasCoverArt);
    }

    [Fact]
    public void Parse_M4aAudio_IsMp4ContainerAudioKind()
    {
        var m = Golden("tone.m4a.json");
        Assert.Equal("mp4", m.Container);
        Assert.Equal("audio", m.MediaKind);
        Assert.Equal("aac", m.AudioCodec);
        Assert.Null(m.VideoCodec);
        Assert.Null(m.Width);
        Assert.InRange(m.DurationSeconds!.Value, 3.9, 4.2);
    }

    [Fact]
    public void Parse_Mp3WithoutCover_IsAudio()
    {
        var m = Golden("tone.mp3.json");
        Assert.Equal("mp3", m.Container);
        Assert.Equal("audio", m.MediaKind);
        Assert.Equal("mp3", m.AudioCodec);
        Assert.False(m.HasCoverArt);
    }

    [Fact]
    public void Parse_Mp3WithCoverArt_IsStillAudio_CoverNotCountedAsVideo()
    {
        var m = Golden("cover.mp3.json");
        Assert.Equal("audio", m.MediaKind);
        Assert.True(m.HasCoverArt);
        Assert.Null(m.VideoCodec);
        Assert.Null(m.Width);
        Assert.Null(m.FrameRate);
        var cover = Assert.Single(m.Streams, s => s.IsAttachedPicture);
        Assert.Equal("mjpeg", cover.CodecName);
        Assert.Equal(160, cover.Width);
    }

    [Theory]
    [InlineData("clip.webm.json", "webm", "vp9", "opus")]
    [InlineData("clip.mkv.json", "matroska", "h264", "aac")]
    public void Parse_MatroskaFamily_NamedByExtension(string file, string container, string video, string audio)
    {
        var m = Golden(file);
        Assert.Equal(container, m.Container);
        Assert.Equal("video", m.MediaKind);
        Assert.Equal(video, m.VideoCodec);
        Assert.Equal(audio, m.AudioCodec);
        Assert.NotNull(m.DurationSeconds);
        // Matroska has no per-stream duration field, only a DURATION tag.
        Assert.All(m.Streams, s => Assert.NotNull(s.DurationSeconds));
    }

    [Theory]
    [InlineData("tone.flac.json", "flac", "flac")]
    [InlineData("tone.wav.json", "wav", "pcm_s16le")]
    public void Parse_LosslessAudio(string file, string container, string codec)
    {
        var m = Golden(file);
        Assert.Equal(container, m.Container);
        Assert.Equal("audio", m.MediaKind);
        Assert.Equal(codec, m.AudioCodec);
    }

    [Fact]
    public void Parse_StillImage_IsOther()
    {
        var m = Golden("thumb.jpg.json");
        Assert.Equal("other", m.MediaKind);
        Assert.Equal("image", m.Container);
        Assert.Null(m.DurationSeconds);
    }

    [Theory]
    [InlineData("junk.bin.json")]
    public void Parse_BadInputOutput_IsFormatException(string file) =>
        Assert.Throws<FormatException>(() => Golden(file));

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("null")]
    public void Parse_NotFfprobeJson_IsFormatException(string json) =>
        Assert.Throws<FormatException>(() => FfprobeParser.Parse(json));

    [Theory]
    [InlineData("25/1", 25.0)]
    [InlineData("30000/1001", 29.97)]
    [InlineData("0/0", null)]
    [InlineData("N/A", null)]
    [InlineData(null, null)]
    public void Rate_Fractions(string? text, double? expected) => Assert.Equal(expected, FfprobeParser.Rate(text));

    [Theory]
    [InlineData("mov,mp4,m4a,3gp,3g2,mj2", "/x/a.mov", "mp4")]
    [InlineData("matroska,webm", "/x/a.WEBM", "webm")]
    [InlineData("matroska,webm", null, "matroska")]
    [InlineData("ogg", "/x/a.opus", "ogg")]
    [InlineData("mpegts", "/x/a.ts", "mpegts")]
    [InlineData(null, "/x/a.mp4", null)]
    public void ContainerOf_Normalises(string? formatName, string? file, string? expected) =>
        Assert.Equal(expected, FfprobeParser.ContainerOf(formatName, file, isImage: false));
}
