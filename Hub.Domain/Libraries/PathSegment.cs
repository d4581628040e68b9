using System.Globalization;
using System.Text;

namespace Hub.Domain.Libraries;

/// <summary>
/// Turns any text (a site title, an uploader name) into one safe file or folder name: no separators, no "..",
/// no control or bidi characters, no leading or trailing dots and spaces, no reserved device names,
/// NFC-normalised, whitespace collapsed, and capped in UTF-8 bytes without cutting a character apart.
/// </summary>
public static class PathSegment
{
    /// <summary>The cap for one token value.</summary>
    public const int MaxTokenBytes = 120;

    /// <summary>The cap for a whole folder or file name (ext4 and most others allow 255).</summary>
    public const int MaxNameBytes = 240;

    private static readonly HashSet<string> ReservedNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    /// <summary>A safe name for <paramref name="value"/>, or <paramref name="fallback"/> when nothing usable is left.</summary>
    public static string Sanitize(string? value, string fallback = "untitled", int maxBytes = MaxTokenBytes)
    {
        var text = Clean(value ?? "");
        text = Truncate(text, maxBytes);
        text = TrimEnds(text);
        if (text.Length == 0)
        {
            return fallback;
        }
        return IsReserved(text) ? text + "_" : text;
    }

    /// <summary>
    /// Caps a file name at <paramref name="maxBytes"/> UTF-8 bytes, shortening the part before
    /// <c>.<paramref name="extension"/></c> so the extension survives.
    /// </summary>
    public static string CapFileName(string name, string extension, int maxBytes = MaxNameBytes)
    {
        if (Encoding.UTF8.GetByteCount(name) <= maxBytes)
        {
            return name;
        }
        var suffix = "." + extension;
        if (extension.Length > 0 && name.EndsWith(suffix, StringComparison.Ordinal))
        {
            var stem = TrimEnds(Truncate(name[..^suffix.Length], maxBytes - Encoding.UTF8.GetByteCount(suffix)));
            return (stem.Length == 0 ? "untitled" : stem) + suffix;
        }
        return TrimEnds(Truncate(name, maxBytes));
    }

    /// <summary>True for DOS device names, alone or before an extension ("CON", "nul.txt", "COM1 .mp4").</summary>
    public static bool IsReserved(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var stem = (dot < 0 ? name : name[..dot]).TrimEnd(' ');
        return ReservedNames.Contains(stem);
    }

    /// <summary>Everything except the length cap and the trimming of ends.</summary>
    internal static string Clean(string value)
    {
        var sb = new StringBuilder(value.Length);
        var lastWasSpace = false;
        foreach (var rune in EnumerateRunes(Normalize(value)))
        {
            string? replacement = rune.Value switch
            {
                '/' or '\\' => "-",
                ':' => " -",
                '"' => "'",
                '<' or '>' or '|' or '?' or '*' => "_",
                _ when IsInvisibleControl(rune) => "",
                _ when Rune.IsWhiteSpace(rune) => " ",
                _ => null,
            };
            var piece = replacement ?? rune.ToString();
            foreach (var c in piece)
            {
                if (c == ' ')
                {
                    if (!lastWasSpace)
                    {
                        sb.Append(' ');
                    }
                    lastWasSpace = true;
                }
                else
                {
                    sb.Append(c);
                    lastWasSpace = false;
                }
            }
        }
        // Runs of dots become one ellipsis: "Wait..." stays readable, ".." can never appear.
        var text = sb.ToString();
        while (text.Contains("..", StringComparison.Ordinal))
        {
            text = text.Replace("...", "…", StringComparison.Ordinal).Replace("..", "…", StringComparison.Ordinal);
        }
        return text;
    }

    /// <summary>Strips spaces and dots at both ends (a leading dot hides a file; trailing ones vanish on some systems).</summary>
    internal static string TrimEnds(string text) => text.Trim(' ', '.');

    /// <summary>Cuts to at most <paramref name="maxBytes"/> UTF-8 bytes at a text-element boundary (never inside an emoji).</summary>
    internal static string Truncate(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }
        var sb = new StringBuilder();
        var bytes = 0;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var element = (string)elements.Current;
            var size = Encoding.UTF8.GetByteCount(element);
            if (bytes + size > maxBytes)
            {
                break;
            }
            sb.Append(element);
            bytes += size;
        }
        return sb.ToString();
    }

    private static string Normalize(string value)
    {
        try
        {
            // The framework normalises only when globalization data is loaded; the fallback covers invariant mode.
            return CanonicalComposition.Compose(value.Normalize(NormalizationForm.FormC));
        }
        catch (ArgumentException)
        {
            // Lone surrogates cannot be normalised; they are dropped below anyway.
            return value;
        }
    }

    private static IEnumerable<Rune> EnumerateRunes(string value)
    {
        for (var i = 0; i < value.Length;)
        {
            if (Rune.TryGetRuneAt(value, i, out var rune))
            {
                yield return rune;
                i += rune.Utf16SequenceLength;
            }
            else
            {
                i++; // a lone surrogate: not valid UTF-8, skip it
            }
        }
    }

    /// <summary>Control characters, bidi overrides and isolates, byte-order marks and other invisible format marks.</summary>
    private static bool IsInvisibleControl(Rune rune)
    {
        if (Rune.IsControl(rune) && !Rune.IsWhiteSpace(rune))
        {
            return true;
        }
        var v = rune.Value;
        return v is 0x061C or 0x200B or 0x200E or 0x200F or 0x2060 or 0xFEFF or 0xFFFE or 0xFFFF
            or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069);
    }
}
