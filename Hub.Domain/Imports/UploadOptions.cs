namespace Hub.Domain.Imports;

/// <summary>The <c>Hub:Uploads</c> section: web uploads, in one request or resumable (<see cref="ResumableUploadStore"/>).</summary>
public sealed class UploadOptions
{
    /// <summary>The largest file an upload takes; the server's own body limit is lifted for the upload routes only.</summary>
    public long MaxBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>How long a resumable upload is kept after the last bytes arrived; then housekeeping removes it.</summary>
    public TimeSpan ResumableLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// The chunk size resumable clients are told to send in one request (the admin does): small enough for a reverse
    /// proxy's body limit, big enough that requests are few. A dropped connection costs at most one chunk.
    /// </summary>
    public int ChunkBytes { get; set; } = 8 * 1024 * 1024;

    public IEnumerable<string> Validate()
    {
        if (ChunkBytes < 64 * 1024) yield return "Hub:Uploads:ChunkBytes must be at least 65536.";
        if (MaxBytes <= 0) yield return "Hub:Uploads:MaxBytes must be positive.";
        if (ResumableLifetime <= TimeSpan.Zero) yield return "Hub:Uploads:ResumableLifetime must be positive.";
    }
}
