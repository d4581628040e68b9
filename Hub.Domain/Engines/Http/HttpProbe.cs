using System.Net;
using System.Net.Http.Headers;
using Hub.Domain.Imports;
using Hub.Domain.Net;

namespace Hub.Domain.Engines.Http;

/// <summary>
/// Looks at a URL with one guarded request to tell a direct file from a web page, without downloading it.
/// Returns null for pages and streaming playlists (the caller hands those to yt-dlp); throws for everything else
/// that is not a file Hub imports.
/// </summary>
public sealed class HttpProbe(GuardedHttp http) : ISourceProber
{
    public static bool IsHttp(Uri url) => url.IsAbsoluteUri && url.Scheme is "http" or "https";

    public bool CanProbe(Uri url) => IsHttp(url);

    public async Task<ProbeResult?> ProbeAsync(Uri url, CancellationToken cancellationToken)
    {
        var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url), HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        var response = head;
        try
        {
            // Many servers (and signed object-store links) refuse HEAD but serve GET; one byte of GET tells us the same.
            if (!head.IsSuccessStatusCode && head.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.Gone or HttpStatusCode.TooManyRequests))
            {
                head.Dispose();
                var get = new HttpRequestMessage(HttpMethod.Get, url);
                get.Headers.Range = new RangeHeaderValue(0, 0);
                response = await http.SendAsync(get, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            HttpFailures.EnsureSuccess(response);

            var contentType = response.Content.Headers.ContentType?.ToString();
            var fileName = HttpFileName.From(response, response.RequestMessage?.RequestUri ?? url);
            if (HttpMediaTypes.IsWebPage(contentType) || HttpMediaTypes.IsStreamingPlaylist(contentType, fileName))
            {
                return null;
            }
            HttpMediaTypes.EnsureDownloadable(contentType, fileName);

            var size = response.StatusCode == HttpStatusCode.PartialContent
                ? response.Content.Headers.ContentRange?.Length
                : response.Content.Headers.ContentLength;
            var extension = Path.GetExtension(fileName);
            // A .torrent is fetched by the torrent engine, which reads it and downloads what it describes.
            var torrent = extension.Equals(".torrent", StringComparison.OrdinalIgnoreCase) || HttpMediaTypes.Normalize(contentType) == "application/x-bittorrent";
            return new ProbeResult
            {
                Url = url.AbsoluteUri,
                Engine = torrent ? "torrent" : "http",
                Kind = torrent ? SourceKind.Torrent : SourceKind.DirectFile,
                Title = Path.GetFileNameWithoutExtension(fileName),
                SizeBytes = size,
                ContentType = HttpMediaTypes.Normalize(contentType) is { Length: > 0 } type ? type : null,
                Extension = extension.Length > 1 ? extension[1..].ToLowerInvariant() : null,
                MediaKind = HttpMediaTypes.MediaKind(contentType, extension),
                Platform = url.Host.ToLowerInvariant(),
            };
        }
        finally
        {
            // Disposing a GET mid-body drops the connection instead of reading a large file to its end.
            response.Dispose();
        }
    }
}
