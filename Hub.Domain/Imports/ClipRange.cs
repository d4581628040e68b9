using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Hub.Domain.Imports;

/// <summary>
/// A section of a video to import instead of the whole of it, in seconds from its start. Every door builds one through
/// <see cref="Create"/> (numbers from REST and the extension) or <see cref="Parse"/> (text such as <c>1:20-2:05</c> from
/// the bot and MCP), so what a valid range is has one home.
/// </summary>
public sealed partial record ClipRange
{
    /// <summary>Longest range accepted: 24 hours, more than any video a clip is cut from.</summary>
    public const double MaxSeconds = 24 * 3600;

    public double StartSeconds { get; init; }
    public double EndSeconds { get; init; }

    [JsonIgnore]
    public double DurationSeconds => EndSeconds - StartSeconds;

    /// <summary>A checked range: start ≥ 0, end &gt; start, both finite and within a day. Milliseconds are kept, finer is rounded.</summary>
    /// <exception cref="HubValidationException">Field "clip", with what is wrong.</exception>
    public static ClipRange Create(double? startSeconds, double? endSeconds)
    {
        if (startSeconds is not { } start || endSeconds is not { } end)
        {
            throw new HubValidationException("clip", "A clip needs both startSeconds and endSeconds.");
        }
        if (!double.IsFinite(start) || !double.IsFinite(end))
        {
            throw new HubValidationException("clip", "The clip's start and end must be numbers of seconds.");
        }
        if (start < 0)
        {
            throw new HubValidationException("clip", "The clip cannot start before 0 seconds.");
        }
        if (end > MaxSeconds)
        {
            throw new HubValidationException("clip", "The clip must end within 24 hours of the start of the video.");
        }
        start = Math.Round(start, 3);
        end = Math.Round(end, 3);
        if (end <= start)
        {
            throw new HubValidationException("clip", $"The clip must end after it starts ({Format(start)} to {Format(end)} is empty).");
        }
        return new ClipRange { StartSeconds = start, EndSeconds = end };
    }

    /// <summary>
    /// Reads <c>START-END</c> where each side is seconds (<c>80</c>, <c>80.5</c>), <c>m:ss</c> or <c>h:mm:ss</c>; a dash or
    /// an en dash between them. Anything else is a validation error naming the expected form.
    /// </summary>
    public static ClipRange Parse(string text)
    {
        var m = RangePattern().Match(text.Trim());
        if (!m.Success || TryTime(m.Groups["start"].Value) is not { } start || TryTime(m.Groups["end"].Value) is not { } end)
        {
            throw new HubValidationException("clip", $"'{text.Trim()}' is not a clip range; write it as start-end, e.g. 1:20-2:05 or 0:01:20-0:02:05.");
        }
        return Create(start, end);
    }

    /// <summary>
    /// The range at the start of <paramref name="text"/> (after spaces) when one is there as a word of its own, as in the
    /// rest of a chat message after a link ("https://… 1:20-2:05 funny bit"); null when the text does not start with one.
    /// A range-shaped word that is not a valid range (2:05-1:20) is a validation error, not ignored.
    /// </summary>
    public static ClipRange? ReadLeading(string text)
    {
        var m = LeadingPattern().Match(text);
        return m.Success ? Parse(m.Groups["range"].Value) : null;
    }

    /// <summary>"1:20" or "1:02:05" (fractions of a second shown only when there are some).</summary>
    public static string Format(double seconds)
    {
        var whole = (long)Math.Floor(seconds);
        var fraction = seconds - whole;
        var h = whole / 3600;
        var m = whole / 60 % 60;
        var s = whole % 60;
        var text = h > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{h}:{m:00}:{s:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{m}:{s:00}");
        return fraction >= 0.0005 ? text + (Math.Round(fraction, 3)).ToString(".###", CultureInfo.InvariantCulture) : text;
    }

    /// <summary>For titles and messages: "1:20–2:05".</summary>
    public override string ToString() => $"{Format(StartSeconds)}–{Format(EndSeconds)}";

    /// <summary>yt-dlp's <c>--download-sections</c> value: a time range (the star), not a chapter name.</summary>
    internal string YtDlpSection() => string.Create(CultureInfo.InvariantCulture, $"*{StartSeconds}-{EndSeconds}");

    /// <summary>A clip's name says which part it is ("Title (1:20–2:05)"), so two clips of one video read apart.</summary>
    public static string? Name(string? title, ClipRange? clip) =>
        clip is null || string.IsNullOrWhiteSpace(title) ? title : $"{title} ({clip})";

    private static double? TryTime(string text)
    {
        var parts = text.Split(':');
        if (parts.Length > 3 || parts.Any(p => p.Length == 0))
        {
            return null;
        }
        double total = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var last = i == parts.Length - 1;
            if (!double.TryParse(parts[i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                || (!last && parts[i].Contains('.'))
                || (i > 0 && value >= 60))
            {
                return null;
            }
            total = total * 60 + value;
        }
        return total;
    }

    private const string Time = @"\d+(?::\d{1,2}){0,2}(?:\.\d+)?";

    [GeneratedRegex(@"^(?<start>" + Time + @")\s*[-–]\s*(?<end>" + Time + @")$")]
    private static partial Regex RangePattern();

    [GeneratedRegex(@"^\s*(?<range>" + Time + @"\s*[-–]\s*" + Time + @")(?=\s|$)")]
    private static partial Regex LeadingPattern();
}
