using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Hub.Web.Streaming;

/// <summary>
/// <c>Hub:Streaming:AccelRedirect</c>: for Hub behind nginx. Hub still authenticates every stream request, checks signed
/// links and records the stream event, then answers with an empty response carrying <c>X-Accel-Redirect</c>; nginx
/// sends the bytes itself from an <c>internal</c> location (sendfile, its own ranges and validators). Off by default:
/// without nginx in front, clients would get empty bodies. README.md and docker-compose.yml show the nginx side.
/// </summary>
public sealed class AccelRedirectOptions
{
    public const string Section = "Hub:Streaming:AccelRedirect";

    public bool Enabled { get; set; }

    /// <summary>The nginx location that maps to the file system root: <c>location /hub-files/ { internal; alias /; }</c>.</summary>
    public string Prefix { get; set; } = "/hub-files/";
}

public static class AccelRedirect
{
    public const string Header = "X-Accel-Redirect";

    /// <summary>
    /// The internal URI for an absolute file path: every segment percent-encoded (nginx decodes it once). Null for a
    /// path nginx would read differently after decoding (a '?' starts its query part, '%' would decode twice): such
    /// files are served by Hub itself.
    /// </summary>
    public static string? UriFor(AccelRedirectOptions options, string fullPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fullPath);
        if (!Path.IsPathFullyQualified(fullPath) || fullPath.Contains('?', StringComparison.Ordinal) || fullPath.Contains('%', StringComparison.Ordinal))
        {
            return null;
        }
        var sb = new StringBuilder(options.Prefix.TrimEnd('/'));
        foreach (var segment in fullPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment is "." or "..")
            {
                return null;
            }
            sb.Append('/').Append(Uri.EscapeDataString(segment));
        }
        return sb.ToString();
    }

    /// <summary>
    /// What nginx will send for this request's Range (one range or none; several get the whole file, as Hub itself
    /// does): the status and byte count recorded for the stream event, since Hub does not see the bytes go out.
    /// </summary>
    public static (int Status, long Bytes) Expected(HttpRequest request, long length)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Range.ToString();
        if (header.Length == 0 || !RangeHeaderValue.TryParse(header, out var range) || range.Ranges.Count != 1)
        {
            return (StatusCodes.Status200OK, length);
        }
        var r = range.Ranges.First();
        long from, to;
        if (r.From is { } f)
        {
            from = f;
            to = Math.Min(r.To ?? length - 1, length - 1);
        }
        else
        {
            from = Math.Max(0, length - (r.To ?? 0));
            to = length - 1;
        }
        return from > to || from >= length
            ? (StatusCodes.Status416RangeNotSatisfiable, 0)
            : (StatusCodes.Status206PartialContent, to - from + 1);
    }

    internal static string ContentDisposition(string fileName) =>
        "attachment; filename*=UTF-8''" + Uri.EscapeDataString(fileName).ToString(CultureInfo.InvariantCulture);
}
