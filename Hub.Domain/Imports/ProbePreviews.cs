using Hub.Domain.Engines.Http;
using Hub.Domain.Net;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Hub.Domain.Imports;

/// <summary>A picture fetched for a preview: its bytes and their media type.</summary>
public sealed record ProbeThumbnail(byte[] Bytes, string ContentType);

/// <summary>
/// What a person sees before importing a URL: the probe, the entry it would duplicate (the pipeline's own
/// <see cref="ImportService.FindDuplicateAsync(HubDbContext, string?, string?, string?, string?, CancellationToken)"/>),
/// and the probe's thumbnail fetched by Hub, since the admin's CSP lets it show no remote image.
/// </summary>
public sealed class ProbePreviews(ImportService imports, GuardedHttp http, IDbContextFactory<HubDbContext> dbFactory, IMemoryCache cache)
{
    /// <summary>Largest thumbnail fetched (bigger ones are refused rather than cut).</summary>
    public const int MaxThumbnailBytes = 2 * 1024 * 1024;

    /// <summary>Raster types a browser shows as an image and nothing else (SVG could carry script, so it is not one).</summary>
    public static readonly IReadOnlyList<string> ThumbnailTypes = ["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"];

    private static readonly TimeSpan ThumbnailTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ThumbnailCacheFor = TimeSpan.FromMinutes(5);

    /// <summary>The probe of <paramref name="url"/> with <see cref="ProbeResult.AlreadyInLibrary"/> filled in when an import would find it there.</summary>
    public async Task<ProbeResult> PreviewAsync(string url, CancellationToken cancellationToken)
    {
        var uri = await imports.CheckUrlAsync(url, cancellationToken).ConfigureAwait(false);
        var probe = await imports.ProbeAsync(url, cancellationToken).ConfigureAwait(false);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        // The checks the probe step makes: the URL itself, then (for one item, not a playlist to expand) the platform's id.
        var single = !probe.IsPlaylist;
        var existing = await ImportService.FindDuplicateAsync(db, ImportService.Normalize(uri.AbsoluteUri), single ? probe.Platform : null,
            single ? probe.SourceId : null, null, cancellationToken).ConfigureAwait(false);
        return existing is null ? probe : probe with { AlreadyInLibrary = new ExistingEntry(existing.Id, existing.Title) };
    }

    /// <summary>
    /// The thumbnail the probe of <paramref name="url"/> names, fetched through the network guard (every address and
    /// redirect checked), only a raster image of at most <see cref="MaxThumbnailBytes"/>, within a few seconds; kept
    /// for a few minutes. Refusals are <see cref="ImportFailedException"/>s; no thumbnail is not-found.
    /// </summary>
    public async Task<ProbeThumbnail> ThumbnailAsync(string url, CancellationToken cancellationToken)
    {
        var probe = await imports.ProbeAsync(url, cancellationToken).ConfigureAwait(false);
        var source = probe.ThumbnailUrl ?? throw new HubNotFoundException("thumbnail", "The link's preview has no thumbnail.");
        var key = "probe-thumbnail:" + source;
        if (cache.TryGetValue(key, out ProbeThumbnail? cached) && cached is not null)
        {
            return cached;
        }
        var uri = UrlGuard.Parse(source);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ThumbnailTimeout);
        ProbeThumbnail thumbnail;
        try
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            HttpFailures.EnsureSuccess(response);
            var type = HttpMediaTypes.Normalize(response.Content.Headers.ContentType?.MediaType);
            if (!ThumbnailTypes.Contains(type))
            {
                throw ImportFailedException.Permanent("not-an-image",
                    $"{uri.Host} sent {(type.Length == 0 ? "no content type" : type)} for the thumbnail, not a JPEG, PNG, WebP, GIF or AVIF picture.");
            }
            var bytes = await CappedBody.ReadAsync(response, MaxThumbnailBytes, () => ImportFailedException.Permanent("thumbnail-too-large",
                $"The thumbnail at {uri.Host} is larger than {MaxThumbnailBytes / (1024 * 1024)} MB."), timeout.Token).ConfigureAwait(false);
            thumbnail = new ProbeThumbnail(bytes, type);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw ImportFailedException.Retryable("timeout", $"{uri.Host} did not send the thumbnail within {ThumbnailTimeout.TotalSeconds:0} s.");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw HttpFailures.FromException(ex, uri); // the connection broke while the body came
        }
        cache.Set(key, thumbnail, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = ThumbnailCacheFor, Size = thumbnail.Bytes.Length });
        return thumbnail;
    }
}
