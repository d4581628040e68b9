using System.Globalization;

namespace Hub.Domain.Tools;

/// <summary>yt-dlp's versions are release dates ("2023.03.04", nightlies "2025.12.08.233012"): the age is read off the name.</summary>
public static class YtDlpVersion
{
    /// <summary>The first release that takes --js-runtimes (and needs a JavaScript runtime for YouTube).</summary>
    public static readonly DateOnly JsRuntimesSince = new(2025, 11, 12);

    public static bool TryParseDate(string? version, out DateOnly date)
    {
        date = default;
        var parts = (version ?? "").Trim().Split('.');
        if (parts.Length < 3 || parts.Length > 4 || parts.Any(p => p.Length == 0 || !p.All(char.IsAsciiDigit)))
        {
            return false;
        }
        return DateOnly.TryParseExact(string.Join('.', parts[..3]), "yyyy.MM.dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    /// <summary>Whole days since the release, or null when the version is not a date.</summary>
    public static int? AgeDays(string? version, DateTimeOffset now) =>
        TryParseDate(version, out var date) ? Math.Max(0, DateOnly.FromDateTime(now.UtcDateTime).DayNumber - date.DayNumber) : null;

    public static bool TakesJsRuntimes(string? version) => TryParseDate(version, out var date) && date >= JsRuntimesSince;
}
