namespace Hub.Domain.Media;

/// <summary>What ffprobe says about a file, normalised; <see cref="RawJson"/> keeps everything it said (stored as jsonb).</summary>
/// <param name="Container">"mp4" (mov/mp4/m4a family), "webm", "matroska", "mp3", "ogg", "flac", "wav", "image", … or null.</param>
/// <param name="MediaKind">"video" when there is a real video stream (cover art does not count), "audio" when only audio, else "other".</param>
public sealed record MediaInfo(
    string? Container,
    double? DurationSeconds,
    long? BitRate,
    long? SizeBytes,
    int? Width,
    int? Height,
    string? VideoCodec,
    string? AudioCodec,
    double? FrameRate,
    int? AudioChannels,
    int? SampleRate,
    string MediaKind,
    IReadOnlyList<MediaStreamInfo> Streams,
    string RawJson)
{
    /// <summary>The file's own title tag (ffprobe's format tags), if it has one.</summary>
    public string? Title { get; init; }

    /// <summary>The file's artist tag (or album artist), if it has one.</summary>
    public string? Artist { get; init; }

    /// <summary>An attached picture (cover art) is present.</summary>
    public bool HasCoverArt => Streams.Any(s => s.IsAttachedPicture);
}

/// <param name="CodecType">"video", "audio", "subtitle", "data", "attachment".</param>
/// <param name="IsAttachedPicture">Cover art stored as a one-frame video stream (disposition.attached_pic).</param>
public sealed record MediaStreamInfo(
    int Index,
    string CodecType,
    string? CodecName,
    string? Profile,
    int? Width,
    int? Height,
    double? FrameRate,
    int? Channels,
    int? SampleRate,
    long? BitRate,
    double? DurationSeconds,
    string? Language,
    string? Title,
    bool IsDefault,
    bool IsAttachedPicture);
