using System.Globalization;
using System.Text;

namespace Hub.Domain.Libraries;

/// <summary>The values a path template is filled with; any of them may be missing.</summary>
public sealed record PathTokens
{
    public string? Platform { get; init; }
    public string? Uploader { get; init; }
    public string? Title { get; init; }
    public string? Id { get; init; }
    public int? Year { get; init; }
    public int? Month { get; init; }
    /// <summary>The file extension without the dot ("mp4").</summary>
    public string? Ext { get; init; }
    public string? Library { get; init; }
    public string? MediaKind { get; init; }
}

/// <summary>
/// A library's path template, e.g. <c>{platform}/{uploader}/{title} [{id}].{ext}</c>: "/" makes folders, tokens in
/// braces are filled in. Every value is sanitised into a single safe name (see <see cref="PathSegment"/>), so the
/// rendered path is always relative and always stays under the library root. The file name must contain <c>{ext}</c>.
/// </summary>
public static class PathTemplate
{
    public const int MaxLength = 500;

    /// <summary>
    /// The {id} of an entry with no platform id (an upload, a direct file): the end of its id. Entry ids are version-7
    /// GUIDs, which begin with their creation time, so their first characters are the same for everything filed within
    /// a minute or so and would tell nothing apart.
    /// </summary>
    public static string ShortId(Guid entryId) => entryId.ToString("N")[^8..];

    public static readonly IReadOnlyList<string> Tokens = ["platform", "uploader", "title", "id", "year", "month", "ext", "library", "kind"];

    /// <summary>Throws <see cref="HubValidationException"/> (field "pathTemplate") unless the template is usable.</summary>
    public static void Validate(string? template)
    {
        const string Field = "pathTemplate";
        if (string.IsNullOrWhiteSpace(template) || template.Length > MaxLength)
        {
            throw new HubValidationException(Field, $"A path template needs 1 to {MaxLength} characters.");
        }
        if (template.StartsWith('/') || template.StartsWith('~'))
        {
            throw new HubValidationException(Field, "A path template is relative to the library folder; it cannot start with '/' or '~'.");
        }
        if (template.Contains('\\') || template.Any(char.IsControl))
        {
            throw new HubValidationException(Field, "A path template cannot contain backslashes or control characters.");
        }
        var segments = template.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var parts = Parse(segments[i]); // throws on unknown tokens and stray braces
            if (segments[i].Trim().Length == 0)
            {
                throw new HubValidationException(Field, "A path template cannot have empty folder names ('//' or a trailing '/').");
            }
            if (segments[i].Trim() is "." || parts.Any(p => !p.IsToken && p.Text.Contains("..", StringComparison.Ordinal)))
            {
                throw new HubValidationException(Field, "A path template cannot contain '..' or '.' folders.");
            }
            if (i == segments.Length - 1 && !parts.Any(p => p.IsToken && p.Text == "ext"))
            {
                throw new HubValidationException(Field, "The file name part of a path template must contain {ext}.");
            }
        }
    }

    /// <summary>
    /// The relative path ("/"-separated) for these tokens. Missing values fall back to "unknown" (title: "untitled",
    /// ext: "bin", year and month: <paramref name="now"/>, or the current UTC time).
    /// </summary>
    public static string Render(string template, PathTokens tokens, DateTimeOffset? now = null)
    {
        Validate(template);
        ArgumentNullException.ThrowIfNull(tokens);
        var when = now ?? DateTimeOffset.UtcNow;
        var ext = SanitizeExtension(tokens.Ext);
        var segments = template.Split('/');
        var rendered = new List<string>(segments.Length);
        for (var i = 0; i < segments.Length; i++)
        {
            var sb = new StringBuilder();
            foreach (var part in Parse(segments[i]))
            {
                sb.Append(part.IsToken ? Value(part.Text, tokens, ext, when) : part.Text);
            }
            var isFileName = i == segments.Length - 1;
            var name = PathSegment.TrimEnds(PathSegment.Clean(sb.ToString()));
            name = isFileName ? PathSegment.CapFileName(name, ext) : PathSegment.TrimEnds(PathSegment.Truncate(name, PathSegment.MaxNameBytes));
            if (name.Length == 0)
            {
                name = isFileName ? "untitled." + ext : "unknown";
            }
            rendered.Add(PathSegment.IsReserved(name) ? "_" + name : name);
        }
        var relative = string.Join('/', rendered);
        ResolveUnder("/hub-template-check", relative); // belt and braces: never absolute, never escaping
        return relative;
    }

    /// <summary>The absolute path of <paramref name="relativePath"/> under <paramref name="root"/>; throws if it would leave the root.</summary>
    public static string ResolveUnder(string root, string relativePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        if (string.IsNullOrWhiteSpace(relativePath) || Path.IsPathRooted(relativePath) || relativePath.Contains('\0'))
        {
            throw new HubValidationException("path", $"'{relativePath}' is not a relative path.");
        }
        var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var full = Path.GetFullPath(Path.Combine(fullRoot, relativePath));
        if (!full.StartsWith(fullRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new HubValidationException("path", $"'{relativePath}' leaves the library folder.");
        }
        return full;
    }

    /// <summary>Lower-case letters and digits only, at most 16 of them; "bin" when nothing is left.</summary>
    public static string SanitizeExtension(string? ext)
    {
        var clean = new string((ext ?? "").TrimStart('.').ToLowerInvariant().Where(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9')).Take(16).ToArray());
        return clean.Length == 0 ? "bin" : clean;
    }

    private static string Value(string token, PathTokens t, string ext, DateTimeOffset now) => token switch
    {
        "platform" => PathSegment.Sanitize(t.Platform?.ToLowerInvariant(), "unknown"),
        "uploader" => PathSegment.Sanitize(t.Uploader, "unknown"),
        "title" => PathSegment.Sanitize(t.Title, "untitled"),
        "id" => PathSegment.Sanitize(t.Id, "unknown"),
        "year" => (t.Year is >= 1 and <= 9999 ? t.Year.Value : now.Year).ToString("D4", CultureInfo.InvariantCulture),
        "month" => (t.Month is >= 1 and <= 12 ? t.Month.Value : now.Month).ToString("D2", CultureInfo.InvariantCulture),
        "ext" => ext,
        "library" => PathSegment.Sanitize(t.Library, "unknown"),
        "kind" => PathSegment.Sanitize(t.MediaKind?.ToLowerInvariant(), "unknown"),
        _ => throw new HubValidationException("pathTemplate", $"Unknown token {{{token}}}."),
    };

    private readonly record struct Part(bool IsToken, string Text);

    private static List<Part> Parse(string segment)
    {
        var parts = new List<Part>();
        var i = 0;
        while (i < segment.Length)
        {
            var open = segment.IndexOf('{', i);
            var strayClose = segment.IndexOf('}', i);
            if (strayClose >= 0 && (open < 0 || strayClose < open))
            {
                throw new HubValidationException("pathTemplate", "A path template has a '}' without its '{'.");
            }
            if (open < 0)
            {
                parts.Add(new Part(false, segment[i..]));
                break;
            }
            if (open > i)
            {
                parts.Add(new Part(false, segment[i..open]));
            }
            var close = segment.IndexOf('}', open);
            if (close < 0)
            {
                throw new HubValidationException("pathTemplate", "A path template has a '{' without its '}'.");
            }
            var name = segment[(open + 1)..close];
            if (!Tokens.Contains(name))
            {
                throw new HubValidationException("pathTemplate",
                    $"Unknown token {{{name}}}; use {string.Join(", ", Tokens.Select(t => "{" + t + "}"))}.");
            }
            parts.Add(new Part(true, name));
            i = close + 1;
        }
        return parts;
    }
}
