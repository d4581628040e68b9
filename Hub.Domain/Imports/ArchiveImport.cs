using Hub.Domain.Engines;
using Hub.Domain.Jobs;
using Hub.Domain.Media.Archives;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Imports;

/// <summary>
/// The archive step of the pipeline: a downloaded or uploaded file that is an archive (by its bytes, whatever its name)
/// is unpacked into the job's work folder, the archive kept or deleted by setting, and its media files handed to
/// <see cref="LocalFileSet"/>: the job becomes their parent.
/// </summary>
public sealed class ArchiveImport(LocalFileSet fileSet, IOptions<HubOptions> options, ILogger<ArchiveImport> logger)
{
    // The download took 2–95 %; unpacking fills the rest of the bar until the children take over.
    private const double Start = 95, End = 99;

    public async Task ExpandAsync(JobContext context, DownloadResult archive, string format, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(archive.FileName);
        await context.TransitionAsync(JobStates.Processing, $"unpacking the {format} archive",
            new { archive = name, format, bytes = archive.SizeBytes }, cancellationToken).ConfigureAwait(false);
        var folder = Path.Combine(context.WorkDir, "unpacked");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true); // an earlier attempt's half: start over
        }
        var limits = options.Value.Archives;
        var progress = new Progress(context);
        // SharpCompress reads synchronously; the unpacking runs on a pool thread this method awaits.
        var result = await Task.Run(() => ArchiveUnpacker.Unpack(archive.FilePath, folder, limits, progress, cancellationToken, name), cancellationToken)
            .ConfigureAwait(false);
        logger.LogInformation("Job {JobId}: unpacked {Entries} entries ({Bytes} bytes, {Nested} nested archives) from {Archive}",
            context.Id, result.Entries, result.Bytes, result.NestedArchives, name);

        var files = result.Files.Select(f => new LocalFile(f, Path.GetRelativePath(folder, f).Replace(".d/", "/"))).ToList();
        if (!files.Any(f => LocalFileSet.IsMedia(f.Path)))
        {
            var sample = string.Join(", ", files.Take(5).Select(f => f.Name));
            throw ImportFailedException.Permanent("archive-no-media",
                $"The archive '{name}' holds no video or audio files ({files.Count} file(s){(files.Count > 0 ? ": " + sample : "")}{(files.Count > 5 ? ", ..." : "")}).");
        }
        KeepOrDelete(context, archive);
        var title = context.Job.Title is { Length: > 0 } t && t != Path.GetFileNameWithoutExtension(name) ? t : Path.GetFileNameWithoutExtension(name);
        await fileSet.ExpandAsync(context, files, title, fromArchive: true, new
        {
            archive = name,
            format,
            entries = result.Entries,
            unpackedBytes = result.Bytes,
            nestedArchives = result.NestedArchives,
            skippedArchives = result.SkippedArchives,
            mediaFiles = files.Count(f => LocalFileSet.IsMedia(f.Path)),
        }, cancellationToken).ConfigureAwait(false);
    }

    private void KeepOrDelete(JobContext context, DownloadResult archive)
    {
        // The finished-download marker goes with the archive: a retry of this job must not take the archive for new.
        File.Delete(Path.Combine(context.WorkDir, FinishedDownload.MarkerName));
        if (!options.Value.Archives.KeepArchive)
        {
            File.Delete(archive.FilePath);
            return;
        }
        var dir = Path.Combine(options.Value.FullDataDir, "archives", context.Id.ToString("N"));
        Directory.CreateDirectory(dir);
        var kept = Path.Combine(dir, TextInput.CleanFileName(archive.FileName) is { Length: > 0 } clean ? clean : "archive");
        File.Move(archive.FilePath, kept, overwrite: true);
        logger.LogInformation("Job {JobId}: kept the archive at {Path}", context.Id, kept);
    }

    private sealed class Progress(JobContext context) : IProgress<UnpackProgress>
    {
        public void Report(UnpackProgress p)
        {
            var fraction = p.PackedTotal > 0 ? Math.Clamp((double)p.PackedRead / p.PackedTotal, 0, 1) : 0;
            context.Report(new JobProgress(Start + (End - Start) * fraction, p.PackedRead, p.PackedTotal, null, null));
        }
    }
}
