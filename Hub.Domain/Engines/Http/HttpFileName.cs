using System.Net.Http.Headers;
using System.Text;

namespace Hub.Domain.Engines.Http;

/// <summary>
/// The name a download should carry: Content-Disposition (filename* before filename), else the URL's last path
/// segment, else "download"; an extension from the content type when the name has none. The name is returned as the
/// server meant it; placement sanitises it. <see cref="SafeLocalName"/> is only for our own temp files.
/// </summary>
public static class HttpFileName
{
    public const string Fallback = "download";

    // Names that are the script serving the file rather than the file.
    private static readonly HashSet<string> ScriptExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".php", ".asp", ".aspx", ".cgi", ".jsp", ".pl", ".py", ".htm", ".html", ".do", ".action",
    };

    public static string From(HttpResponseMessage response, Uri url)
    {
        var fromHeader = FromContentDisposition(response.Content.Headers.ContentDisposition);
        var name = fromHeader ?? FromUrl(url) ?? Fallback;
        return WithExtension(name, response.Content.Headers.ContentType?.MediaType, replaceScriptExtension: fromHeader is null);
    }

    public static string? FromContentDisposition(ContentDispositionHeaderValue? header)
    {
        if (header is null)
        {
            return null;
        }
        // FileNameStar is the RFC 5987 ext-value, already decoded; FileName may arrive quoted.
        var name = header.FileNameStar;
        if (string.IsNullOrWhiteSpace(name))
        {
            name = header.FileName?.Trim().Trim('"');
        }
        return string.IsNullOrWhiteSpace(name) ? null : name.Trim();
    }

    /// <summary>Parses a raw Content-Disposition value (for callers holding the header text).</summary>
    public static string? FromContentDisposition(string? header) =>
        ContentDispositionHeaderValue.TryParse(header, out var parsed) ? FromContentDisposition(parsed) : null;

    /// <summary>The URL's last non-empty path segment, percent-decoded; null when the path is empty.</summary>
    public static string? FromUrl(Uri url)
    {
        var segment = url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (segment is null)
        {
            return null;
        }
        var name = Uri.UnescapeDataString(segment).Trim();
        return name.Length == 0 ? null : name;
    }

    public static string WithExtension(string name, string? contentType, bool replaceScriptExtension)
    {
        var typeExtension = HttpMediaTypes.ExtensionFor(contentType);
        if (typeExtension.Length == 0)
        {
            return name;
        }
        var ext = Path.GetExtension(name);
        if (ext.Length == 0)
        {
            return name + typeExtension;
        }
        return replaceScriptExtension && ScriptExtensions.Contains(ext) ? Path.GetFileNameWithoutExtension(name) + typeExtension : name;
    }

    /// <summary>A name that is safe as one file in our work folder: ASCII letters, digits, '.', '-', '_' only, no leading dot, bounded length.</summary>
    public static string SafeLocalName(string? name)
    {
        var sb = new StringBuilder(Math.Min(name?.Length ?? 0, 120));
        foreach (var c in name ?? "")
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }
        var safe = sb.ToString().TrimStart('.');
        if (safe.Length > 120)
        {
            var ext = Path.GetExtension(safe);
            ext = ext.Length <= 16 ? ext : "";
            safe = safe[..(120 - ext.Length)] + ext;
        }
        return safe.Trim('_').Length == 0 ? Fallback : safe;
    }
}
