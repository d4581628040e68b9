using Hub.Domain.Imports;

namespace Hub.Bot.Commands;

/// <summary>A link in a message and the section of it the sender asked for, if any.</summary>
public sealed record LinkRequest(string Url, ClipRange? Clip = null);

/// <summary>
/// Reads clip ranges written after links: <c>https://… 1:20-2:05</c> (also <c>h:mm:ss</c>, plain seconds, an en dash).
/// Pure, so it is tested on golden messages; what a valid range is stays with <see cref="ClipRange"/>.
/// </summary>
public static class ClipLinks
{
    /// <summary>Each link with the range that follows it in <paramref name="text"/>, in the order given.</summary>
    /// <exception cref="Hub.Domain.HubValidationException">A range-shaped word after a link that is not a valid range.</exception>
    public static IReadOnlyList<LinkRequest> Read(string? text, IReadOnlyList<string> urls)
    {
        var result = new List<LinkRequest>(urls.Count);
        var from = 0;
        foreach (var url in urls)
        {
            ClipRange? clip = null;
            if (!string.IsNullOrEmpty(text) && Find(text, url, from) is var (at, length) && at >= 0)
            {
                from = at + length;
                clip = ClipRange.ReadLeading(text[from..]);
            }
            result.Add(new LinkRequest(url, clip));
        }
        return result;
    }

    /// <summary>Where the link is written: as given, or without the https:// that <see cref="CommandList.Urls"/> adds to bare domains.</summary>
    private static (int At, int Length) Find(string text, string url, int from)
    {
        var at = text.IndexOf(url, from, StringComparison.Ordinal);
        if (at >= 0)
        {
            return (at, url.Length);
        }
        const string added = "https://";
        if (url.StartsWith(added, StringComparison.Ordinal))
        {
            var bare = url[added.Length..];
            at = text.IndexOf(bare, from, StringComparison.Ordinal);
            return (at, bare.Length);
        }
        return (-1, 0);
    }
}
