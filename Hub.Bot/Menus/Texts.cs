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

    public static string Percent(double progress) => (Math.Clamp(progress, 0, 1) * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    /// <summary>The first 8 hex digits of an id: what people type after /cancel.</summary>
    public static string ShortId(Guid id) => id.ToString("N")[..8];

    public static string Trim(string? text, int max) => text is null ? "" : text.Length <= max ? text : text[..(max - 1)] + "…";
}
