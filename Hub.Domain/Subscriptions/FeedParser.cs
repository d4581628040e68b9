using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Hub.Domain.Imports;

namespace Hub.Domain.Subscriptions;

/// <summary>
/// Reads RSS 2.0 and Atom feeds into items, newest first: the media enclosure when there is one (podcasts), else the
/// item's link (YouTube's channel feeds link to watch pages yt-dlp imports). Lenient about dates, strict about XML
/// (no DTDs, so no entity expansion).
/// </summary>
public static class FeedParser
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Media = "http://search.yahoo.com/mrss/";
    private static readonly XNamespace Itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";

    /// <summary>Whether a response looks like a feed: by its media type, or by its first element.</summary>
    public static bool LooksLikeFeed(string? mediaType, string body)
    {
        if (mediaType is { } t && (t.Contains("rss", StringComparison.OrdinalIgnoreCase) || t.Contains("atom", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }
        var head = body.AsSpan().TrimStart();
        if (head.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase))
        {
            var end = head.IndexOf("?>", StringComparison.Ordinal);
            head = end < 0 ? head : head[(end + 2)..];
            // Comments or a stylesheet line may come first; the root element decides.
            var firstTags = head[..Math.Min(head.Length, 2000)].ToString();
            return firstTags.Contains("<rss", StringComparison.OrdinalIgnoreCase) || firstTags.Contains("<feed", StringComparison.OrdinalIgnoreCase)
                || firstTags.Contains("<rdf:RDF", StringComparison.OrdinalIgnoreCase);
        }
        return head.StartsWith("<rss", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<feed", StringComparison.OrdinalIgnoreCase);
    }

    public sealed record Feed(string? Title, IReadOnlyList<SourceItem> Items);

    /// <exception cref="ImportFailedException">The body is not a feed Hub can read.</exception>
    public static Feed Parse(string xml, Uri feedUrl)
    {
        XDocument doc;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
            doc = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            throw ImportFailedException.Permanent("bad-feed", $"The feed is not well-formed XML: {ex.Message}");
        }
        var root = doc.Root ?? throw ImportFailedException.Permanent("bad-feed", "The feed is empty.");
        List<SourceItem> items;
        string? title;
        if (root.Name == Atom + "feed")
        {
            title = Text(root.Element(Atom + "title"));
            items = root.Elements(Atom + "entry").Select(e => AtomEntry(e, feedUrl)).OfType<SourceItem>().ToList();
        }
        else if (root.Name.LocalName == "rss" || root.Name.LocalName == "RDF")
        {
            var channel = root.Element("channel") ?? root;
            title = Text(channel.Element("title"));
            // RSS 1.0 (RDF) keeps items beside the channel, in its own namespace.
            items = root.Descendants().Where(e => e.Name.LocalName == "item").Select(i => RssItem(i, feedUrl)).OfType<SourceItem>().ToList();
        }
        else
        {
            throw ImportFailedException.Permanent("bad-feed", $"Hub reads RSS and Atom feeds; this one is <{root.Name.LocalName}>.");
        }
        // Newest first when every item is dated (feeds usually are already; some list oldest first).
        if (items.Count > 1 && items.All(i => i.PublishedAt is not null))
        {
            items = [.. items.OrderByDescending(i => i.PublishedAt)];
        }
        return new Feed(title, items);
    }

    private static SourceItem? RssItem(XElement item, Uri feedUrl)
    {
        var enclosure = item.Elements().FirstOrDefault(e => e.Name.LocalName == "enclosure" && IsMedia((string?)e.Attribute("type"), (string?)e.Attribute("url")));
        var url = (string?)enclosure?.Attribute("url") ?? MediaContent(item) ?? Text(item.Elements().FirstOrDefault(e => e.Name.LocalName == "link"));
        if (Absolute(url, feedUrl) is not { } uri)
        {
            return null;
        }
        var guid = Text(item.Element("guid"));
        var published = Date(Text(item.Element("pubDate")) ?? Text(item.Elements().FirstOrDefault(e => e.Name.LocalName == "date")));
        return new SourceItem(KeyOf(guid, uri), uri.AbsoluteUri, Text(item.Elements().FirstOrDefault(e => e.Name.LocalName == "title")), published, Duration(item));
    }

    private static SourceItem? AtomEntry(XElement entry, Uri feedUrl)
    {
        var links = entry.Elements(Atom + "link").ToList();
        var enclosure = links.FirstOrDefault(l => (string?)l.Attribute("rel") == "enclosure" && IsMedia((string?)l.Attribute("type"), (string?)l.Attribute("href")));
        var alternate = links.FirstOrDefault(l => (string?)l.Attribute("rel") is null or "alternate");
        var url = (string?)enclosure?.Attribute("href") ?? MediaContent(entry) ?? (string?)alternate?.Attribute("href");
        if (Absolute(url, feedUrl) is not { } uri)
        {
            return null;
        }
        var published = Date(Text(entry.Element(Atom + "published")) ?? Text(entry.Element(Atom + "updated")));
        return new SourceItem(KeyOf(Text(entry.Element(Atom + "id")), uri), uri.AbsoluteUri, Text(entry.Element(Atom + "title")), published, Duration(entry));
    }

    private static string? MediaContent(XElement item) =>
        item.Descendants(Media + "content").Where(c => IsMedia((string?)c.Attribute("type"), (string?)c.Attribute("url")))
            .Select(c => (string?)c.Attribute("url")).FirstOrDefault(u => !string.IsNullOrWhiteSpace(u));

    /// <summary>An enclosure is media when its type says so, or (no type) when its URL is not obviously an image.</summary>
    private static bool IsMedia(string? type, string? url) => type switch
    {
        null or "" => url is not null && !url.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) && !url.EndsWith(".png", StringComparison.OrdinalIgnoreCase),
        _ => type.StartsWith("video/", StringComparison.OrdinalIgnoreCase) || type.StartsWith("audio/", StringComparison.OrdinalIgnoreCase)
            || type.Contains("bittorrent", StringComparison.OrdinalIgnoreCase) || type.Contains("mpegurl", StringComparison.OrdinalIgnoreCase),
    };

    private static string KeyOf(string? id, Uri url) =>
        string.IsNullOrWhiteSpace(id) ? "url:" + (ImportService.Normalize(url.AbsoluteUri) ?? url.AbsoluteUri) : "id:" + id.Trim();

    private static Uri? Absolute(string? url, Uri baseUrl) =>
        string.IsNullOrWhiteSpace(url) ? null
        : Uri.TryCreate(baseUrl, url.Trim(), out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps) ? u : null;

    private static string? Text(XElement? e) => e?.Value.Trim() is { Length: > 0 } s ? s : null;

    /// <summary>itunes:duration (seconds, m:ss or h:mm:ss) or media:content's duration attribute.</summary>
    private static double? Duration(XElement item)
    {
        var text = Text(item.Element(Itunes + "duration"))
            ?? item.Descendants(Media + "content").Select(c => (string?)c.Attribute("duration")).FirstOrDefault(d => d is not null);
        if (text is null)
        {
            return null;
        }
        double total = 0;
        foreach (var part in text.Split(':'))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
            {
                return null;
            }
            total = total * 60 + n;
        }
        return total;
    }

    /// <summary>RFC 822 (RSS) or ISO 8601 (Atom, dc:date); a date Hub cannot read is none, not an error.</summary>
    public static DateTimeOffset? Date(string? text)
    {
        if (text is null)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d))
        {
            return d.ToUniversalTime();
        }
        // RFC 822 with a zone name .NET does not know ("EST", "PDT"), or a day name that does not match the date.
        var s = text.Trim();
        var comma = s.IndexOf(',');
        if (comma >= 0) s = s[(comma + 1)..].Trim();
        var parts = s.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length >= 4 && DateTime.TryParse(string.Join(' ', parts.Take(4)), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dt))
        {
            var offset = parts.Length > 4 ? parts[4].ToUpperInvariant() switch
            {
                "EST" => -5, "EDT" => -4, "CST" => -6, "CDT" => -5, "MST" => -7, "MDT" => -6, "PST" => -8, "PDT" => -7, _ => 0,
            } : 0;
            return new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)).AddHours(-offset);
        }
        return null;
    }
}
