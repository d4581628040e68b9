using Hub.Domain.Engines;
using Hub.Domain.Engines.Upload;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Domain.Media;
using Hub.Domain.Media.Archives;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Imports;

/// <summary>
/// The second step of an import: download through the engine the probe chose, then process (ffprobe, hash,
/// de-duplicate), place the file by the library's path template, and write the entry in the same transaction that
/// completes the job. A thumbnail the engine fetched is moved in; otherwise one is made afterwards by a follow-up
/// <see cref="ThumbnailHandler"/> job, enqueued in that same transaction, so the entry never waits for an ffmpeg start
/// and no crash can leave it without its thumbnail job.
/// </summary>
public sealed class DownloadHandler(
    EngineRegistry engines,
    UploadEngine upload,
    Engines.Torrent.TorrentEngine torrents,
    FfprobeClient ffprobe,
    MediaServerFiles mediaServer,
    SubtitleFiles subtitles,
    AudioExtractor audio,
    ClipCutter clips,
    ArchiveImport archives,
    LocalFileSet fileSet,
    LibraryService libraries,
    FilePlacer placer,
    IDbContextFactory<HubDbContext> dbFactory,
    IOptions<HubOptions> options,
    TimeProvider time,
    ILogger<DownloadHandler> logger) : IJobHandler
{
    // Overall progress: probing 0–2 %, downloading 2–95 %, processing 95–100 %.
    private const double DownloadStart = 2, DownloadEnd = 95;

    public string Queue => JobQueues.Download;
    public string RunningState => JobStates.Downloading;

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var data = ImportJobs.Read(context.Job);
        var library = await ResolveLibraryAsync(context, data, cancellationToken).ConfigureAwait(false);
        var format = data.Format ?? library.DefaultFormat;
        var progress = new Progress(context);

        // A file an earlier attempt finished (its entry could not be written then) is used again, not fetched again.
        var downloaded = await FinishedDownload.TryLoadAsync(context.WorkDir, cancellationToken).ConfigureAwait(false);
        if (downloaded is not null)
        {
            logger.LogInformation("Job {JobId}: reusing the download an earlier attempt finished ({Bytes} bytes)", context.Id, downloaded.SizeBytes);
        }
        else
        {
            downloaded = await DownloadAsync(context, data, library, format, progress, cancellationToken).ConfigureAwait(false);
            if (downloaded.Files is { Count: > 0 } several)
            {
                await fileSet.ExpandAsync(context, several, FirstNonBlank(context.Job.Title, downloaded.FileName)!, fromArchive: false, null, cancellationToken)
                    .ConfigureAwait(false);
                return;
            }
            if (data.Clip is { } clip && !downloaded.Clipped)
            {
                downloaded = await clips.CutAsync(downloaded, clip, cancellationToken).ConfigureAwait(false);
            }
            downloaded = await FinishedDownload.SaveAsync(context.WorkDir, downloaded, cancellationToken).ConfigureAwait(false);
        }
        // An archive (by its bytes, whatever its name) becomes the parent of the media files inside it.
        if (!data.FromArchive && ArchiveSniffer.Detect(downloaded.FilePath) is { } archiveFormat)
        {
            await archives.ExpandAsync(context, downloaded, archiveFormat, cancellationToken).ConfigureAwait(false);
            return;
        }
        // ffprobe starts while the state change is written (its start-up alone is ~0.1 s of loading libraries): the
        // file is complete and nothing below the transition changes it. Should the transition fail, ffprobe is stopped.
        using var probeCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var probing = ffprobe.ProbeAsync(downloaded.FilePath, probeCancel.Token);
        try
        {
            await context.TransitionAsync(JobStates.Processing, "downloaded; reading media metadata",
                new { bytes = downloaded.SizeBytes, file = Path.GetFileName(downloaded.FilePath) }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await probeCancel.CancelAsync().ConfigureAwait(false);
            await probing.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                .ConfigureAwait(false); // observed and gone before the job's failure is handled; the transition's error is the one that counts
            throw;
        }
        context.Report(new JobProgress(96, downloaded.SizeBytes, downloaded.SizeBytes, null, 0));

        var media = await probing.ConfigureAwait(false);
        if (media.MediaKind == "other")
        {
            throw ImportFailedException.Permanent("not-media", $"'{downloaded.FileName}' has no audio or video Hub can play.");
        }
        if (AudioExtractor.Applies(format, media))
        {
            // An audio format was asked for but the engine could only fetch the video (a direct file, an upload): keep
            // the sound, never file the video as if it were what was asked for. The marker then describes the audio.
            logger.LogInformation("Job {JobId}: {Format} asked for and a video came; keeping its audio", context.Id, format);
            downloaded = await audio.ExtractAsync(downloaded, media, format, cancellationToken).ConfigureAwait(false);
            downloaded = await FinishedDownload.SaveAsync(context.WorkDir, downloaded, cancellationToken).ConfigureAwait(false);
            media = await ffprobe.ProbeAsync(downloaded.FilePath, cancellationToken).ConfigureAwait(false);
        }
        if (!data.LibraryChosen && media.MediaKind != library.MediaKind && library.MediaKind != "any"
            && (await libraries.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(l => l.IsDefault && l.MediaKind == media.MediaKind) is { } fits)
        {
            // What was downloaded decides where it is filed, not what the link looked like before (a Telegram voice
            // message, an mp3 fetched from a page): unless the requester chose the library.
            logger.LogInformation("Job {JobId}: the file is {Kind}; filing it into {Library} instead of {Guess}", context.Id, media.MediaKind, fits.Name, library.Name);
            library = fits;
            await context.PatchAsync(new JobPatch(LibraryId: library.Id), cancellationToken).ConfigureAwait(false);
        }
        var sha = downloaded.Sha256 ?? await FinishedDownload.HashAsync(downloaded.FilePath, cancellationToken).ConfigureAwait(false);
        var probe = data.Probe ?? downloaded.Metadata;
        var meta = downloaded.Metadata ?? probe;

        bool? mediaServerChoice = null;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            var dup = await ImportService.FindDuplicateAsync(db, null, meta?.Platform, meta?.SourceId, sha, data.Clip, cancellationToken).ConfigureAwait(false);
            if (dup is not null)
            {
                await CompleteDuplicateAsync(context, dup, cancellationToken).ConfigureAwait(false);
                return;
            }
            // A subscription's own media-server option (null: Hub's setting; a deleted subscription counts as null).
            if (data.Subscription is { } from)
            {
                mediaServerChoice = await db.Subscriptions.Where(x => x.Id == from.Id).Select(x => x.MediaServerFiles)
                    .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        context.Report(new JobProgress(97, downloaded.SizeBytes, downloaded.SizeBytes, null, 0));

        var entryId = Guid.CreateVersion7();
        var title = ClipRange.Name(BestTitle(data, meta, media, context.Job.Title, downloaded.FileName), data.Clip)!;
        var ext = Path.GetExtension(downloaded.FilePath).TrimStart('.');
        var relative = PathTemplate.Render(library.PathTemplate, new PathTokens
        {
            Platform = meta?.Platform,
            Uploader = meta?.Uploader ?? media.Artist,
            Title = title,
            Id = meta?.SourceId ?? PathTemplate.ShortId(entryId),
            Year = meta?.UploadDate?.Year,
            Month = meta?.UploadDate?.Month,
            Ext = ext,
            Library = library.Name,
            MediaKind = media.MediaKind,
        }, time.GetUtcNow());
        var root = FilePlacer.ResolveRoot(library, options.Value);
        // Subtitles: what the engine fetched, and text streams inside the file (read before the file moves).
        var subtitleFiles = downloaded.Subtitles.Concat(
            await subtitles.ExtractEmbeddedAsync(downloaded.FilePath, media, context.WorkDir, cancellationToken).ConfigureAwait(false)).ToList();
        var finalPath = await placer.PlaceAsync(downloaded.FilePath, root, relative, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<SubtitleTrack> tracks;
        string spoken;
        string? thumbnail;
        try
        {
            tracks = subtitles.PlaceBeside(finalPath, subtitleFiles);
            spoken = await Entries.SubtitleSearch.TextOfAsync(finalPath, tracks, cancellationToken).ConfigureAwait(false);
            thumbnail = PlaceFetchedThumbnail(entryId, downloaded);
        }
        catch
        {
            // Cancelled (a cancel, a lost lease, shutdown) with the file already in the library and no entry for it
            // yet: take it back into the work folder, as a failed entry write does below.
            TryMoveBack(finalPath, downloaded.FilePath);
            throw;
        }

        var entry = new Entries.Entry
        {
            Id = entryId,
            LibraryId = library.Id,
            Title = title,
            SourceUrl = data.Url,
            NormalizedUrl = ImportService.Normalize(data.Url),
            SourceId = meta?.SourceId,
            Platform = meta?.Platform,
            ClipStartSeconds = data.Clip?.StartSeconds,
            ClipEndSeconds = data.Clip?.EndSeconds,
            Uploader = meta?.Uploader ?? media.Artist,
            MediaKind = media.MediaKind,
            Container = media.Container,
            DurationSeconds = media.DurationSeconds ?? meta?.DurationSeconds,
            SizeBytes = new FileInfo(finalPath).Length,
            ContentHash = sha,
            FilePath = finalPath,
            ThumbnailPath = thumbnail,
            Media = System.Text.Json.JsonDocument.Parse(media.RawJson),
            Properties = System.Text.Json.JsonSerializer.SerializeToDocument(new
            {
                description = meta?.Description,
                uploadDate = meta?.UploadDate,
                width = media.Width,
                height = media.Height,
                videoCodec = media.VideoCodec,
                audioCodec = media.AudioCodec,
                bitRate = media.BitRate,
                format,
                engine = data.Engine,
                subtitles = tracks,
                clip = data.Clip, // with SourceUrl: which part of what
            }, JobJson.Options),
            CreatedAt = time.GetUtcNow(),
            UpdatedAt = time.GetUtcNow(),
            RequestedBy = context.Job.RequestedBy,
        };
        if (title != context.Job.Title)
        {
            // Every door names the job as the entry is named (a file's title tag beats its file name): patched before the
            // completion, which returns only the columns a worker changes (JobRow.Changing), so the done message has it.
            await context.PatchAsync(new JobPatch(Title: title), cancellationToken).ConfigureAwait(false);
        }
        try
        {
            await context.CompleteAsync(entryId, new ImportOutcome(entryId, false, $"Imported into {library.Name}", finalPath, library.Name),
                $"imported into {library.Name}", async (db, ct) =>
                {
                    db.Entries.Add(entry);
                    await db.SaveChangesAsync(ct).ConfigureAwait(false);
                    await Entries.SubtitleSearch.SetAsync(db, entryId, spoken, ct).ConfigureAwait(false);
                    // Before the commit: whoever sees the job completed finds the media-server sidecars in place (a
                    // failure to write them is logged and loses nothing; a failed commit removes them below).
                    mediaServer.Write(entry, meta?.Description, meta?.UploadDate, mediaServerChoice);
                }, thumbnail is null ? [ThumbnailHandler.For(entryId, context.Job.Door, mediaServerChoice)] : [], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The entry was not written: take the placed file back into the work folder, so a retry neither leaves a
            // stray copy in the library nor fetches the file again (the marker still describes it).
            TryMoveBack(finalPath, downloaded.FilePath);
            if (thumbnail is not null) TryDelete(thumbnail);
            foreach (var sidecar in MediaServerFiles.PathsFor(finalPath).Where(File.Exists)) TryDelete(sidecar);
            if (ex is DbUpdateException { InnerException: Npgsql.PostgresException { SqlState: "23505" } })
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
                var dup = await ImportService.FindDuplicateAsync(db, null, meta?.Platform, meta?.SourceId, sha, data.Clip, cancellationToken).ConfigureAwait(false);
                if (dup is not null)
                {
                    await CompleteDuplicateAsync(context, dup, cancellationToken).ConfigureAwait(false);
                    return;
                }
            }
            throw;
        }
    }

    private async Task<DownloadResult> DownloadAsync(JobContext context, ImportJobData data, Libraries.Library library, string format, Progress progress,
        CancellationToken cancellationToken)
    {
        var maxBytes = options.Value.Network.MaxDownloadBytes;
        if (data.UploadedFile is { } uploaded && KeptTorrent(uploaded, context.WorkDir) is { } metainfo)
        {
            // A .torrent sent as a file (web upload, Telegram document): what it describes is downloaded, not the file itself.
            var request = new DownloadRequest(new Uri(Path.GetFullPath(metainfo)), context.WorkDir, format, maxBytes, data.Probe);
            return await torrents.DownloadFileAsync(metainfo, request, progress, cancellationToken).ConfigureAwait(false);
        }
        if (data.UploadedFile is not null)
        {
            return await upload.PlaceAsync(data.UploadedFile ?? "", data.FileName, context.WorkDir, maxBytes, progress, cancellationToken).ConfigureAwait(false);
        }
        var url = new Uri(data.Url ?? throw ImportFailedException.Permanent("validation", "This import has no URL."));
        var engine = engines.EngineFor(new ImportSource(url, data.Probe?.Kind ?? SourceKind.Unknown));
        logger.LogInformation("Job {JobId}: downloading with {Engine} as {Format}", context.Id, engine.Name, format);
        var fetch = new DownloadRequest(url, context.WorkDir, format, maxBytes, data.Probe) { Clip = data.Clip, Subtitles = options.Value.Subtitles.For(library) };
        return await engine.DownloadAsync(fetch, progress, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// An uploaded .torrent, moved into the job's folder first (so it goes with the folder when the job ends, instead
    /// of staying in the uploads folder for good); a retry finds it there. Null when the upload is not a torrent.
    /// </summary>
    private static string? KeptTorrent(string uploaded, string workDir)
    {
        var kept = Path.Combine(workDir, "upload.torrent");
        if (File.Exists(kept))
        {
            return kept;
        }
        if (!Engines.Torrent.TorrentEngine.LooksLikeTorrent(uploaded))
        {
            return null;
        }
        Directory.CreateDirectory(workDir);
        File.Copy(uploaded, kept + ".part", overwrite: true); // small; a copy then a rename never leaves half a file as "kept"
        File.Move(kept + ".part", kept);
        File.Delete(uploaded);
        return kept;
    }

    private async Task<Libraries.Library> ResolveLibraryAsync(JobContext context, ImportJobData data, CancellationToken cancellationToken)
    {
        if (context.Job.LibraryId is { } id)
        {
            try
            {
                return await libraries.GetAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (HubNotFoundException)
            {
                // Deleted meanwhile: fall back to the defaults below.
            }
        }
        var all = await libraries.ListAsync(cancellationToken).ConfigureAwait(false);
        var kind = data.Probe?.MediaKind ?? (data.Format is { } f && FormatPresets.IsAudio(f) ? "audio" : "video");
        return all.FirstOrDefault(l => l.IsDefault && l.MediaKind == kind) ?? all.FirstOrDefault(l => l.IsDefault) ?? all.FirstOrDefault()
            ?? throw ImportFailedException.Permanent("no-library", "There is no library to file this into; create one first.");
    }

    /// <summary>The picture the engine fetched alongside (yt-dlp's), moved to the entry's thumbnail path; else null.</summary>
    private string? PlaceFetchedThumbnail(Guid entryId, DownloadResult downloaded)
    {
        if (downloaded.ThumbnailPath is not { } thumb || !File.Exists(thumb))
        {
            return null;
        }
        var target = ThumbnailHandler.PathFor(options.Value, entryId);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(thumb, target, overwrite: true);
        return target;
    }

    private static async Task CompleteDuplicateAsync(JobContext context, Entries.Entry dup, CancellationToken cancellationToken)
    {
        // The job is named and filed like the entry it found (see ProbeHandler's duplicate).
        await context.PatchAsync(new JobPatch(Title: dup.Title, LibraryId: dup.LibraryId), cancellationToken).ConfigureAwait(false);
        await context.CompleteAsync(dup.Id, new ImportOutcome(dup.Id, true, $"Already in the library: {dup.Title}", dup.FilePath, null),
            "already in library (same content)", null, cancellationToken).ConfigureAwait(false);
    }


    /// <summary>
    /// The best name known: the one the person gave (a caption), a site's title, the file's own title tag, then what
    /// the job was called so far and the file name. A direct file's "title" is only its file name, so its tag beats it.
    /// </summary>
    internal static string BestTitle(ImportJobData data, ProbeResult? meta, MediaInfo media, string? jobTitle, string fileName)
    {
        var siteTitle = meta is { Engine: not "http" } ? meta.Title : null;
        return FirstNonBlank(data.Title, siteTitle, media.Title, jobTitle, meta?.Title, Path.GetFileNameWithoutExtension(fileName), "untitled")!;
    }

    private static string? FirstNonBlank(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private void TryMoveBack(string placed, string workFile)
    {
        try
        {
            File.Move(placed, workFile, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not move {Path} back into the work folder: {Error}", placed, ex.Message);
            TryDelete(placed);
        }
    }

    private void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException ex) { logger.LogWarning("Could not remove {Path}: {Error}", path, ex.Message); }
    }

    /// <summary>Maps engine progress onto the job's overall bar.</summary>
    private sealed class Progress(JobContext context) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress p)
        {
            var fraction = p.Percent is { } pc ? pc / 100 : 0;
            context.Report(new JobProgress(DownloadStart + (DownloadEnd - DownloadStart) * fraction, p.BytesDone, p.BytesTotal, p.SpeedBps, p.EtaSeconds, p.Swarm));
        }
    }
}
