using System.Globalization;
using System.Text.Json;

namespace Hub.Domain.Media;

/// <summary>
/// Normalises <c>ffprobe -print_format json -show_format -show_streams</c> output. ffprobe prints most numbers as
/// strings ("5.000000", "44100") and rates as fractions ("25/1"); missing or "N/A" values become null.
/// </summary>
public static class FfprobeParser
{
    /// <exception cref="FormatException">Not ffprobe JSON, or ffprobe found neither a format nor a stream (its "{ }" on bad input).</exception>
    public static MediaInfo Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException("ffprobe did not print valid JSON.", ex);
        }
        using (doc)
        {
            var root = doc.RootElement;
            var hasFormat = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.Object;
            var streams = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("streams", out var s) && s.ValueKind == JsonValueKind.Array
                ? s.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(Stream).ToList()
                : [];
            if (!hasFormat && streams.Count == 0)
            {
                throw new FormatException("ffprobe found no media in the file.");
            }
            var f = hasFormat ? root.GetProperty("format") : default;
            var formatName = hasFormat ? Str(f, "format_name") : null;
            var fileName = hasFormat ? Str(f, "filename") : null;

            var video = streams.FirstOrDefault(x => x.CodecType == "video" && !x.IsAttachedPicture);
            var audio = streams.Where(x => x.CodecType == "audio").OrderByDescending(x => x.IsDefault).FirstOrDefault();
            var isImage = IsImageFormat(formatName);
            var kind = video is not null && !isImage ? "video" : audio is not null ? "audio" : "other";

            var duration = (hasFormat ? Seconds(f, "duration") : null)
                ?? streams.Select(x => x.DurationSeconds).Where(d => d is > 0).Max();
            return new MediaInfo(
                Container: ContainerOf(formatName, fileName, isImage),
                DurationSeconds: isImage ? null : duration,
                BitRate: hasFormat ? Long(f, "bit_rate") : null,
                SizeBytes: hasFormat ? Long(f, "size") : null,
                Width: video?.Width,
                Height: video?.Height,
                VideoCodec: video?.CodecName,
                AudioCodec: audio?.CodecName,
                FrameRate: video?.FrameRate,
                AudioChannels: audio?.Channels,
                SampleRate: audio?.SampleRate,
                MediaKind: kind,
                Streams: streams,
                RawJson: json)
            {
                Title = hasFormat ? Tag(f, "title") : null,
                Artist = hasFormat ? Tag(f, "artist") ?? Tag(f, "album_artist") : null,
            };
        }
    }

    /// <summary>
    /// The first name of ffprobe's list, made into one word: the mov family is "mp4"; "matroska,webm" is "webm" when the
    /// file is called .webm and "matroska" otherwise (ffprobe cannot tell them apart by name).
    /// </summary>
    internal static string? ContainerOf(string? formatName, string? fileName, bool isImage)
    {
        if (string.IsNullOrWhiteSpace(formatName))
        {
            return null;
        }
        if (isImage)
        {
            return "image";
        }
        var names = formatName.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var ext = Path.GetExtension(fileName ?? "").TrimStart('.').ToLowerInvariant();
        if (names.Contains("mp4") || names.Contains("mov"))
        {
            return "mp4";
        }
        if (names.Contains("matroska"))
        {
            return ext == "webm" ? "webm" : "matroska";
        }
        return names[0] switch
        {
            "mpegts" => "mpegts",
            "ogg" => "ogg",
            "asf" => "asf",
            var n => n,
        };
    }

    /// <summary>A format tag, whatever its case (MP4 writes "title", Matroska "TITLE"), trimmed; blank is null.</summary>
    private static string? Tag(JsonElement format, string name)
    {
        if (!format.TryGetProperty("tags", out var tags) || tags.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        foreach (var tag in tags.EnumerateObject())
        {
            if (tag.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && tag.Value.ValueKind == JsonValueKind.String
                && tag.Value.GetString()?.Trim() is { Length: > 0 } value)
            {
                return value.Length > 300 ? value[..300] : value;
            }
        }
        return null;
    }

    private static bool IsImageFormat(string? formatName) =>
        formatName is not null && (formatName == "image2" || formatName.EndsWith("_pipe", StringComparison.Ordinal));

    private static MediaStreamInfo Stream(JsonElement s)
    {
        var disposition = s.TryGetProperty("disposition", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        var tags = s.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Object ? t : default;
        var type = Str(s, "codec_type") ?? "unknown";
        return new MediaStreamInfo(
            Index: Int(s, "index") ?? -1,
            CodecType: type,
            CodecName: Str(s, "codec_name"),
            Profile: Str(s, "profile"),
            Width: Int(s, "width"),
            Height: Int(s, "height"),
            FrameRate: type == "video" ? Rate(Str(s, "avg_frame_rate")) ?? Rate(Str(s, "r_frame_rate")) : null,
            Channels: Int(s, "channels"),
            SampleRate: Int(s, "sample_rate"),
            BitRate: Long(s, "bit_rate"),
            DurationSeconds: Seconds(s, "duration") ?? (tags.ValueKind == JsonValueKind.Object ? Clock(Str(tags, "DURATION") ?? Str(tags, "duration")) : null),
            Language: tags.ValueKind == JsonValueKind.Object ? NullIfUnd(Str(tags, "language")) : null,
            Title: tags.ValueKind == JsonValueKind.Object ? Str(tags, "title") : null,
            IsDefault: disposition.ValueKind == JsonValueKind.Object && Int(disposition, "default") == 1,
            IsAttachedPicture: disposition.ValueKind == JsonValueKind.Object && Int(disposition, "attached_pic") == 1);
    }

    /// <summary>"30000/1001" → 29.97; "0/0" (unknown) → null.</summary>
    internal static double? Rate(string? fraction)
    {
        if (fraction is null)
        {
            return null;
        }
        var slash = fraction.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return Double(fraction) is > 0 and var v ? v : null;
        }
        return Double(fraction[..slash]) is { } n && Double(fraction[(slash + 1)..]) is { } dd && n > 0 && dd > 0
            ? Math.Round(n / dd, 3)
            : null;
    }

    /// <summary>Matroska's per-stream "00:00:02.007000000".</summary>
    private static double? Clock(string? text) =>
        text is not null && TimeSpan.TryParse(text.Length > 16 ? text[..16] : text, CultureInfo.InvariantCulture, out var ts) ? ts.TotalSeconds : null;

    private static string? NullIfUnd(string? language) => language is null or "und" ? null : language;

    private static double? Seconds(JsonElement e, string name) => Double(Raw(e, name)) is >= 0 and var d ? d : null;

    private static long? Long(JsonElement e, string name) =>
        long.TryParse(Raw(e, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static int? Int(JsonElement e, string name) =>
        int.TryParse(Raw(e, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static double? Double(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s && s != "N/A" ? s : null;

    /// <summary>A value as text whether ffprobe printed it as a number or a string.</summary>
    private static string? Raw(JsonElement e, string name) =>
        !e.TryGetProperty(name, out var v) ? null
        : v.ValueKind == JsonValueKind.Number ? v.GetRawText()
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : null;
}
