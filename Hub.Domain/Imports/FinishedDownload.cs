using System.Security.Cryptography;
using System.Text.Json;
using Hub.Domain.Engines;
using Hub.Domain.Jobs;

namespace Hub.Domain.Imports;

/// <summary>
/// A marker beside a finished download in the job's work folder (<c>finished.json</c>: file, size, SHA-256, what the
/// engine learned). The download is kept until its entry is written; if that write fails (the database was down, the
/// worker died), the next attempt checks the file against the marker and uses it instead of fetching it again.
/// </summary>
internal sealed record FinishedDownload(string File, string FileName, long SizeBytes, string Sha256, string? ContentType, ProbeResult? Metadata)
{
    public const string MarkerName = "finished.json";

    public static async Task<DownloadResult> SaveAsync(string workDir, DownloadResult result, CancellationToken cancellationToken)
    {
        var sha = result.Sha256 ?? await HashAsync(result.FilePath, cancellationToken).ConfigureAwait(false);
        var marker = new FinishedDownload(Path.GetFileName(result.FilePath), result.FileName, result.SizeBytes, sha, result.ContentType, result.Metadata);
        var path = Path.Combine(workDir, MarkerName);
        await System.IO.File.WriteAllTextAsync(path + ".tmp", JsonSerializer.Serialize(marker, JobJson.Options), cancellationToken).ConfigureAwait(false);
        System.IO.File.Move(path + ".tmp", path, overwrite: true); // all or nothing: a torn marker is never read
        return result with { Sha256 = sha };
    }

    /// <summary>The download a previous attempt finished, when its file is still there with the recorded size and hash; else null.</summary>
    public static async Task<DownloadResult?> TryLoadAsync(string workDir, CancellationToken cancellationToken)
    {
        var path = Path.Combine(workDir, MarkerName);
        FinishedDownload? marker;
        try
        {
            marker = JsonSerializer.Deserialize<FinishedDownload>(await System.IO.File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), JobJson.Options);
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null; // none, or unreadable: download again
        }
        var file = marker is null ? null : Path.Combine(workDir, Path.GetFileName(marker.File));
        if (marker is null || file is null || !System.IO.File.Exists(file) || new FileInfo(file).Length != marker.SizeBytes
            || await HashAsync(file, cancellationToken).ConfigureAwait(false) != marker.Sha256)
        {
            System.IO.File.Delete(path);
            return null;
        }
        return new DownloadResult(file, marker.FileName, marker.SizeBytes, marker.ContentType, marker.Sha256, null) { Metadata = marker.Metadata };
    }

    public static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 17, useAsync: true);
        return Convert.ToHexString(await SHA256.HashDataAsync(f, cancellationToken).ConfigureAwait(false)).ToLowerInvariant();
    }
}
