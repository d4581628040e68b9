using System.Security.Cryptography;
using System.Text;
using Hub.Domain.Engines.Http;
using Hub.Domain.Jobs;

namespace Hub.Domain.Imports;

/// <summary>One file among several a job fetched, and the name people should see for it (its path inside the set).</summary>
public sealed record LocalFile(string Path, string Name);

/// <summary>
/// Several media files on this machine become one parent job with one child import per media file, the way a playlist
/// does: each child takes its file over like an upload (ffprobe, hash, de-duplication by content, library chosen by what
/// the file is unless the person chose one) and ends in its own entry; the parent waits in the expand queue
/// (<see cref="ParentJobHandler"/>) and completes when they have all ended. Archives use it after unpacking; a download
/// engine that fetched several files (a multi-file torrent) returns them in <see cref="Engines.DownloadResult.Files"/>
/// and the download step calls it the same way.
/// </summary>
public sealed class LocalFileSet(ImportService imports, JobQueue queue)
{
    /// <summary>Video and audio by extension; everything else in a set (text, images, executables) is left out.</summary>
    public static bool IsMedia(string path) =>
        HttpMediaTypes.VideoExtensions.Contains(Path.GetExtension(path)) || HttpMediaTypes.AudioExtensions.Contains(Path.GetExtension(path));

    /// <summary>
    /// Makes <paramref name="context"/>'s job the parent of one child import per media file in <paramref name="files"/>
    /// (which must lie in the job's work folder: each child moves its file into its own) and hands the job to the
    /// expand queue. Idempotent per file: a retry of the parent finds the children it already made.
    /// </summary>
    /// <param name="fromArchive">The files came out of an archive: a child is not unpacked again, even if it is one.</param>
    /// <returns>How many children the job has.</returns>
    public async Task<int> ExpandAsync(JobContext context, IReadOnlyList<LocalFile> files, string title, bool fromArchive, object? payload,
        CancellationToken cancellationToken)
    {
        var data = ImportJobs.Read(context.Job);
        var media = files.Where(f => IsMedia(f.Path)).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        if (media.Count == 0)
        {
            throw ImportFailedException.Permanent("no-media", $"None of the {files.Count} file(s) is a video or audio file Hub can import.");
        }
        var children = new List<NewJob>(media.Count);
        foreach (var file in media)
        {
            var spec = await imports.PrepareAsync(new ImportRequest
            {
                UploadedFile = file.Path,
                FileName = file.Name,
                Format = data.Format,
                Mode = data.Mode,
                Library = data.LibraryChosen ? context.Job.LibraryId?.ToString() : null,
                Door = context.Job.Door,
                RequestedBy = context.Job.RequestedBy,
                ParentId = context.Id,
            }, cancellationToken).ConfigureAwait(false);
            var childData = (ImportJobData)spec.Request! with { FromArchive = fromArchive };
            children.Add(spec with
            {
                Title = Path.GetFileNameWithoutExtension(file.Name),
                Request = childData,
                IdempotencyKey = $"file:{context.Id:N}:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(file.Name)))[..32]}",
            });
        }
        await queue.EnqueueManyAsync(children, cancellationToken).ConfigureAwait(false);
        await context.PatchAsync(new JobPatch(Title: title), cancellationToken).ConfigureAwait(false);
        await context.MoveToAsync(JobStates.Queued, JobQueues.Expand, $"{children.Count} media file(s) to import, one job each",
            payload ?? new { children = children.Count }, cancellationToken).ConfigureAwait(false);
        return children.Count;
    }
}
