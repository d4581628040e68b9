using System.Security.Cryptography;
using Hub.Domain.Imports;

namespace Hub.Domain.Engines.Upload;

/// <summary>
/// Files that are already here (web uploads, Telegram files): moved into the job's work folder so the rest of the
/// pipeline treats them like any download. The SHA-256 is computed while copying when a move is not possible.
/// Not an <see cref="IDownloadEngine"/>: there is no URL to fetch, only a file to take over.
/// </summary>
public sealed class UploadEngine
{
    public string Name => "upload";

    public async Task<DownloadResult> PlaceAsync(string uploadedFile, string? fileName, string workDir, long? maxBytes, IProgress<DownloadProgress> progress,
        CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(fileName ?? uploadedFile);
        var target = Path.Combine(workDir, "upload" + Path.GetExtension(name));
        if (!File.Exists(uploadedFile))
        {
            // A retry after the move: the file already sits in the work folder.
            if (File.Exists(target))
            {
                return new DownloadResult(target, name, new FileInfo(target).Length, null, null, null);
            }
            throw ImportFailedException.Permanent("upload-missing", "The uploaded file is no longer there; please send it again.");
        }
        var size = new FileInfo(uploadedFile).Length;
        if (maxBytes is { } max && size > max)
        {
            throw ImportFailedException.Permanent("too-large", $"The file is {size:N0} bytes; the limit is {max:N0}.");
        }
        Directory.CreateDirectory(workDir);
        try
        {
            File.Move(uploadedFile, target, overwrite: true);
            progress.Report(new DownloadProgress(size, size, null, 0));
            return new DownloadResult(target, name, size, null, null, null);
        }
        catch (IOException)
        {
            // Another file system: copy with hashing, then remove the original.
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[128 * 1024];
        long done = 0;
        await using (var src = new FileStream(uploadedFile, FileMode.Open, FileAccess.Read, FileShare.Read, buffer.Length, useAsync: true))
        await using (var dst = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, buffer.Length, useAsync: true))
        {
            int n;
            while ((n = await src.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                await dst.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                done += n;
                progress.Report(new DownloadProgress(done, size, null, null));
            }
        }
        File.Delete(uploadedFile);
        return new DownloadResult(target, name, size, null, Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant(), null);
    }
}
