using System.Globalization;
using System.Text.RegularExpressions;

namespace Hub.Domain.Entries;

/// <summary>
/// One canonical string per piece of content, for de-duplication (<c>entries.normalized_url</c>). Pure.
/// http(s): lower-case scheme and host, "www." and "m." dropped, default port, user info and fragment dropped,
/// tracking parameters (utm_*, fbclid, gclid, si, feature, ref, …) dropped, the rest sorted, no trailing slash.
/// YouTube videos in any form (youtu.be, watch, shorts, embed, live, m., music.) become https://youtube.com/watch?v=ID.
/// Magnet links keep only their info hash(es), as lower-case hex. Other schemes lose only the fragment.
/// </summary>
public static partial class UrlNormalizer
{
    private static readonly HashSet<string> TrackingParameters = new(StringComparer.Ordinal)
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id",
        "mc_cid", "mc_eid", "igshid", "igsh", "si", "feature", "ref", "ref_src", "ref_url", "_ga", "_gl",
        "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wickedid", "rb_clickid", "s_cid",
    };

    private static readonly HashSet<string> YouTubeHosts = new(StringComparer.Ordinal)
    {
        "youtube.com", "music.youtube.com", "youtube-nocookie.com", "gaming.youtube.com",
    };

    public static string Normalize(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            throw new HubValidationException("url", $"'{uri.OriginalString}' is not an absolute URL.");
        }
        var scheme = uri.Scheme.ToLowerInvariant();
        if (scheme == "magnet")
        {
            return NormalizeMagnet(uri);
        }
        if (scheme is not ("http" or "https"))
        {
            return uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.Fragment, UriFormat.UriEscaped);
        }
        var host = StripPrefixes(uri.IdnHost.ToLowerInvariant().TrimEnd('.'));
        var query = ParseQuery(uri.Query);
        if (YouTubeVideoId(host, uri.AbsolutePath, query) is { } id)
        {
            return "https://youtube.com/watch?v=" + id;
        }
        if (uri.HostNameType == UriHostNameType.IPv6 && !host.StartsWith('['))
        {
            host = "[" + host + "]";
        }
        var port = uri.IsDefaultPort ? "" : ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
        var path = uri.AbsolutePath.TrimEnd('/');
        var kept = query.Where(p => !IsTracking(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Raw, StringComparer.Ordinal).ToList();
        var queryText = kept.Count == 0 ? "" : "?" + string.Join('&', kept.Select(p => p.Raw));
        return $"{scheme}://{host}{port}{path}{queryText}";
    }

    /// <summary>True for parameters that only say where a click came from.</summary>
    public static bool IsTracking(string key) =>
        key.StartsWith("utm_", StringComparison.Ordinal) || TrackingParameters.Contains(key);

    /// <summary>The 11-character video id of a YouTube video URL, or null.</summary>
    public static string? YouTubeVideoId(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.IsAbsoluteUri && uri.Scheme is "http" or "https"
            ? YouTubeVideoId(StripPrefixes(uri.IdnHost.ToLowerInvariant().TrimEnd('.')), uri.AbsolutePath, ParseQuery(uri.Query))
            : null;
    }

    private static string? YouTubeVideoId(string host, string path, List<QueryPart> query)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string? candidate = null;
        if (host == "youtu.be")
        {
            candidate = segments.FirstOrDefault();
        }
        else if (YouTubeHosts.Contains(host))
        {
            if (segments is ["watch"])
            {
                candidate = query.FirstOrDefault(p => p.Key == "v")?.Value;
            }
            else if (segments is ["shorts" or "embed" or "live" or "v" or "e", var id, ..])
            {
                candidate = id;
            }
        }
        return candidate is not null && VideoId().IsMatch(candidate) ? candidate : null;
    }

    private static string StripPrefixes(string host)
    {
        while (true)
        {
            var prefix = host.StartsWith("www.", StringComparison.Ordinal) ? 4 : host.StartsWith("m.", StringComparison.Ordinal) ? 2 : 0;
            if (prefix == 0 || !host[prefix..].Contains('.'))
            {
                return host;
            }
            host = host[prefix..];
        }
    }

    private sealed record QueryPart(string Key, string Value, string Raw);

    private static List<QueryPart> ParseQuery(string query)
    {
        var parts = new List<QueryPart>();
        foreach (var raw in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = raw.IndexOf('=', StringComparison.Ordinal);
            var key = Unescape(eq < 0 ? raw : raw[..eq]).ToLowerInvariant();
            if (key.Length == 0)
            {
                continue;
            }
            parts.Add(new QueryPart(key, eq < 0 ? "" : Unescape(raw[(eq + 1)..]), raw));
        }
        return parts;
    }

    private static string Unescape(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    /// <summary>magnet:?xt=urn:btih:HASH — base32 hashes become hex so both spellings of one torrent match.</summary>
    private static string NormalizeMagnet(Uri uri)
    {
        var hashes = ParseQuery(uri.Query)
            .Where(p => p.Key == "xt")
            .Select(p => p.Value.Trim())
            .Select(v => v.StartsWith("urn:btih:", StringComparison.OrdinalIgnoreCase) ? "urn:btih:" + BtihHex(v[9..]) : v.ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        return hashes.Count == 0 ? uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.Fragment, UriFormat.UriEscaped) : "magnet:?" + string.Join('&', hashes.Select(h => "xt=" + h));
    }

    private static string BtihHex(string hash) => Engines.Torrent.MagnetLink.HexHash(hash) ?? hash.ToLowerInvariant();

    [GeneratedRegex("^[A-Za-z0-9_-]{11}$")]
    private static partial Regex VideoId();
}
