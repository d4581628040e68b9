using Hub.Domain.Engines.Http;
using Hub.Domain.Imports;
using Microsoft.AspNetCore.StaticFiles;

namespace Hub.Domain.Engines.YtDlp;

/// <summary>Downloads site pages (YouTube, SoundCloud, pages with a &lt;video&gt;, …) through yt-dlp.</summary>
public sealed class YtDlpEngine(YtDlpClient client) : IDownloadEngine
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public string Name => YtDlpJsonMapper.EngineName;

    /// <summary>Site pages, and sources of unknown kind: yt-dlp's generic extractor copes with direct files too.</summary>
    public bool CanHandle(ImportSource source) => source.Kind is SourceKind.SitePage or SourceKind.Unknown && HttpProbe.IsHttp(source.Url);

    public async Task<DownloadResult> DownloadAsync(DownloadRequest request, IProgress<DownloadProgress> progress, CancellationToken cancellationToken)
    {
        var download = await client.DownloadAsync(request.Url, request.WorkDir, request.FormatPreset, request.MaxBytes, request.Clip, request.Subtitles, progress, cancellationToken)
            .ConfigureAwait(false);
        var size = new FileInfo(download.FilePath).Length;
        if (request.MaxBytes is { } max && size > max)
        {
            throw ImportFailedException.Permanent("too-large", $"The file is {size / (1024 * 1024)} MB, more than the limit of {max / (1024 * 1024)} MB.");
        }
        progress.Report(new DownloadProgress(size, size, null, 0));

        var extension = Path.GetExtension(download.FilePath);
        var title = download.Info?.Title ?? request.Probe?.Title ?? Path.GetFileNameWithoutExtension(download.FilePath);
        var contentType = ContentTypes.TryGetContentType(download.FilePath, out var ct) ? ct : null;
        return new DownloadResult(download.FilePath, title + extension, size, contentType, null, download.ThumbnailPath)
        {
            Metadata = download.Info is { } info ? info with { SizeBytes = size, Extension = extension.TrimStart('.'), ContentType = contentType } : null,
            Subtitles = Media.SubtitleFiles.FromYtDlp(download.FilePath, automatic: false),
            Clipped = request.Clip is not null,
        };
    }
}
