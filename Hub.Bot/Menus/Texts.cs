using System.Globalization;

namespace Hub.Bot.Menus;

/// <summary>Small, consistent formatting of sizes, times and ids for chat messages.</summary>
public static class Texts
{
    public static string Size(long? bytes)
    {
        if (bytes is not { } b)
        {
            return "?";
        }
        return b switch
        {
            < 1024 => $"{b} B",
            < 1024 * 1024 => (b / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
            < 1024L * 1024 * 1024 => (b / 1024.0 / 1024).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
            _ => (b / 1024.0 / 1024 / 1024).ToString("0.##", CultureInfo.InvariantCulture) + " GB",
        };
    }

    public static string Duration(double? seconds)
    {
        if (seconds is not { } s || s < 0)
        {
            return "?";
        }
        var t = TimeSpan.FromSeconds(Math.Round(s));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes}:{t.Seconds:00}";
    }

    public static string Speed(double? bps) => bps is { } b && b > 0 ? Size((long)b) + "/s" : "";

    /// <summary>A job's progress, which Hub keeps as a percentage (0–100) everywhere, never a fraction.</summary>
    public static string Percent(double percent) => Math.Floor(Math.Clamp(percent, 0, 100)).ToString("0", CultureInfo.InvariantCulture) + "%";

    /// <summary>A bar of <paramref name="width"/> cells for a percentage: "▓▓▓▓░░░░ 52%".</summary>
    public static string Bar(double percent, int width = 10)
    {
        var filled = (int)Math.Floor(Math.Clamp(percent, 0, 100) / 100 * width);
        return new string('▓', filled) + new string('░', width - filled) + " " + Percent(percent);
    }

    /// <summary>
    /// The last 8 hex digits of an id: what people type after /cancel. Job ids are UUIDv7, whose first digits are a
    /// timestamp (every job of the same minute shares them); the tail is random, so it tells jobs apart.
    /// </summary>
    public static string ShortId(Guid id) => id.ToString("N")[^8..];

    /// <summary>Whether what someone typed names this id: its short form, its full form, or a start of the full form.</summary>
    public static bool MatchesId(Guid id, string typed)
    {
        var key = typed.Trim().ToLowerInvariant().Replace("-", "", StringComparison.Ordinal);
        var full = id.ToString("N");
        return key.Length >= 4 && (full.EndsWith(key, StringComparison.Ordinal) || (key.Length > 8 && full.StartsWith(key, StringComparison.Ordinal)));
    }

    public static string Trim(string? text, int max) => text is null ? "" : text.Length <= max ? text : text[..(max - 1)] + "…";
}
