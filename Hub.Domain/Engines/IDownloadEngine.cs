using Hub.Domain.Imports;

namespace Hub.Domain.Engines;

/// <summary>
/// One way of fetching a source onto disk: yt-dlp, HTTP, BitTorrent. Engines are registered in order as
/// <c>IEnumerable&lt;IDownloadEngine&gt;</c>; <see cref="EngineRegistry"/> picks the first whose <see cref="CanHandle"/>
/// takes the source, so adding one is a folder and a registration line.
/// </summary>
public interface IDownloadEngine
{
    /// <summary>"yt-dlp", "http", "torrent": for logs and the entry's properties, never for choosing.</summary>
    string Name { get; }

    /// <summary>Whether this engine fetches that kind of source.</summary>
    bool CanHandle(ImportSource source);

    /// <summary>Downloads into <see cref="DownloadRequest.WorkDir"/> (a folder of this job's own) and reports progress.</summary>
    Task<DownloadResult> DownloadAsync(DownloadRequest request, IProgress<DownloadProgress> progress, CancellationToken cancellationToken);
}

/// <param name="Url">What to fetch (already checked by the network guard at the door; engines check again at connect time).</param>
/// <param name="WorkDir">An empty folder owned by this job; on a retry it holds what the last attempt left (for resume).</param>
/// <param name="FormatPreset">video_best, video_1080, video_720, audio_best, audio_mp3.</param>
/// <param name="MaxBytes">Refuse files larger than this.</param>
/// <param name="Probe">What the probe found, when there was one.</param>
public sealed record DownloadRequest(Uri Url, string WorkDir, string FormatPreset, long? MaxBytes, ProbeResult? Probe)
{
    /// <summary>Only this section is wanted. An engine that can fetch just that says so (<see cref="DownloadResult.Clipped"/>); otherwise the whole file is cut after download.</summary>
    public ClipRange? Clip { get; init; }

    /// <summary>The subtitles to fetch beside a video, for engines that can (the library's choice); null: Hub's setting.</summary>
    public Media.SubtitleChoice? Subtitles { get; init; }
}

/// <summary>A progress report. Totals may be unknown; speed in bytes per second, ETA in seconds.</summary>
public sealed record DownloadProgress(long BytesDone, long? BytesTotal, double? SpeedBps, double? EtaSeconds)
{
    /// <summary>For torrents: the swarm as the engine sees it now.</summary>
    public Jobs.JobSwarm? Swarm { get; init; }

    public double? Percent => BytesTotal is > 0 ? Math.Clamp(100.0 * BytesDone / BytesTotal.Value, 0, 100) : null;
}

/// <param name="FilePath">The finished file, inside the work folder.</param>
/// <param name="FileName">A name for it (from Content-Disposition, the URL, or the site's title), not yet sanitised.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file when the engine computed it while writing; null otherwise.</param>
/// <param name="ThumbnailPath">A thumbnail the engine fetched alongside, if any.</param>
public sealed record DownloadResult(string FilePath, string FileName, long SizeBytes, string? ContentType, string? Sha256, string? ThumbnailPath)
{
    /// <summary>Site metadata the engine learned while downloading (title, uploader, id, …); null when it learned none.</summary>
    public ProbeResult? Metadata { get; init; }

    /// <summary>Subtitle files the engine fetched beside the media (yt-dlp's WebVTT), filed with it.</summary>
    public IReadOnlyList<Media.SubtitleFile> Subtitles { get; init; } = [];

    /// <summary>The engine fetched only <see cref="DownloadRequest.Clip"/>'s section, so nothing is left to cut.</summary>
    public bool Clipped { get; init; }

    /// <summary>
    /// Several finished files inside the work folder (a multi-file torrent), each with the name people should see;
    /// <see cref="FilePath"/> is then their folder. The download step makes one child import per media file
    /// (<see cref="LocalFileSet"/>) instead of one entry.
    /// </summary>
    public IReadOnlyList<LocalFile>? Files { get; init; }
}
