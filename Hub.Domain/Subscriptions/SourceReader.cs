using System.Text;
using Hub.Domain.Engines;
using Hub.Domain.Imports;
using Hub.Domain.Net;

namespace Hub.Domain.Subscriptions;

/// <summary>
/// Lists what a followed URL holds now, newest first. A feed is fetched through the guarded client and read by
/// <see cref="FeedParser"/>; anything else is expanded by the probers (yt-dlp's flat playlist), exactly as a playlist
/// import is, but never from the probe cache: a check must see what is new.
/// </summary>
public sealed class SourceReader(GuardedHttp http, UrlGuard guard, EngineRegistry engines)
{
    /// <summary>Feeds larger than this are refused (a podcast with thousands of episodes is a few megabytes).</summary>
    public const int MaxFeedBytes = 20 * 1024 * 1024;

    public sealed record Listing(string Kind, string? Title, IReadOnlyList<SourceItem> Items);

    /// <param name="knownKind">The kind an earlier check found, so it is not sniffed again; null sniffs.</param>
    public async Task<Listing> ReadAsync(string url, string? knownKind, CancellationToken ct)
    {
        var uri = UrlGuard.Parse(url);
        if (knownKind != SourceKinds.Playlist)
        {
            var feed = await TryFeedAsync(uri, knownKind == SourceKinds.Feed, ct).ConfigureAwait(false);
            if (feed is not null)
            {
                return feed;
            }
        }
        await guard.EnsureAllowedAsync(uri, ct).ConfigureAwait(false);
        var probe = await engines.ProbeAsync(uri, ct).ConfigureAwait(false);
        IReadOnlyList<SourceItem> items = probe.IsPlaylist
            ? probe.Entries.Select(e => new SourceItem(KeyOf(probe.Platform, e.Id, e.Url), e.Url, e.Title,
                e.UploadDate is { } d ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null, e.DurationSeconds, e.IsLive)).ToList()
            // A single item (a page with one video) is a source of one.
            : [new SourceItem(KeyOf(probe.Platform, probe.SourceId, probe.Url), probe.Url, probe.Title,
                probe.UploadDate is { } u ? new DateTimeOffset(u.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null, probe.DurationSeconds)];
        return new Listing(SourceKinds.Playlist, probe.Title, items);
    }

    private static string KeyOf(string? platform, string? id, string url) =>
        string.IsNullOrWhiteSpace(id) ? "url:" + (ImportService.Normalize(url) ?? url) : $"id:{platform ?? "site"}:{id}";

    /// <summary>The feed at <paramref name="uri"/>, or null when it answers with something else (a page for yt-dlp).</summary>
    private async Task<Listing?> TryFeedAsync(Uri uri, bool mustBeFeed, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.ParseAdd("application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var code = (int)response.StatusCode;
            throw code is 429 or >= 500
                ? ImportFailedException.Retryable("http-" + code, $"{uri.Host} answered {code} {response.ReasonPhrase}.")
                : ImportFailedException.Permanent("http-" + code, $"{uri.Host} answered {code} {response.ReasonPhrase}.");
        }
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is { } t && (t.StartsWith("video/", StringComparison.OrdinalIgnoreCase) || t.StartsWith("audio/", StringComparison.OrdinalIgnoreCase)))
        {
            return null; // a direct file: the probers know it
        }
        var body = await ReadCappedAsync(response, ct).ConfigureAwait(false);
        if (!FeedParser.LooksLikeFeed(mediaType, body))
        {
            return mustBeFeed ? throw ImportFailedException.Permanent("bad-feed", "The URL no longer serves an RSS or Atom feed.") : null;
        }
        var feed = FeedParser.Parse(body, response.RequestMessage?.RequestUri ?? uri);
        return new Listing(SourceKinds.Feed, feed.Title, feed.Items);
    }

    private static async Task<string> ReadCappedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await CappedBody.ReadAsync(response, MaxFeedBytes,
            () => ImportFailedException.Permanent("feed-too-large", $"The feed is larger than {MaxFeedBytes / 1048576} MB."), ct).ConfigureAwait(false);
        var charset = response.Content.Headers.ContentType?.CharSet;
        var encoding = Encoding.UTF8;
        try
        {
            if (!string.IsNullOrEmpty(charset)) encoding = Encoding.GetEncoding(charset.Trim('"'));
        }
        catch (ArgumentException)
        {
        }
        return encoding.GetString(body).TrimStart('\uFEFF');
    }
}
