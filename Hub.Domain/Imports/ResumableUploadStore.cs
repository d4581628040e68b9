using System.Collections.Concurrent;
using System.Text.Json;
using Hub.Domain.Access;
using Hub.Domain.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Imports;

/// <summary>A resumable upload as its creator declared it, saved as <c>{id}.json</c> beside its data <c>{id}.part</c>.</summary>
/// <param name="Owner">The requester key of whoever created it: nobody else may see, continue or delete it.</param>
/// <param name="JobId">The import it became once its last byte arrived.</param>
public sealed record ResumableUpload(Guid Id, string Owner, string FileName, long Length, string? Library, string? Format, string Mode, string Door,
    DateTimeOffset CreatedAt, Guid? JobId = null);

/// <param name="Offset">Bytes received so far (the length of the data on disk).</param>
/// <param name="ExpiresAt">When housekeeping may remove it: the last bytes received plus <c>Hub:Uploads:ResumableLifetime</c>.</param>
public sealed record ResumableUploadStatus(ResumableUpload Upload, long Offset, DateTimeOffset ExpiresAt, bool Expired)
{
    public bool Complete => Offset == Upload.Length;
}

/// <summary>
/// Resumable uploads (the tus protocol's state), kept under <c>TempDir/resumable</c> as a small JSON file and the data
/// received so far. Files rather than a table because the data has to be on this machine's disk anyway: the two live and
/// go together, both survive a restart, and the bytes on disk are the one truth about the offset. Once the last byte is
/// there the file becomes an ordinary upload in <c>TempDir/uploads</c> and goes through <see cref="ImportService"/> like
/// any other; the record stays (without data) until it expires, so a client that lost the reply can still learn the job.
/// </summary>
public sealed class ResumableUploadStore(ImportService imports, IOptions<HubOptions> options, TimeProvider time, ILogger<ResumableUploadStore> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<Guid, byte> _writing = new();

    public string Folder => Path.Combine(options.Value.FullTempDir, "resumable");

    private string MetaPath(Guid id) => Path.Combine(Folder, id.ToString("N") + ".json");
    private string DataPath(Guid id) => Path.Combine(Folder, id.ToString("N") + ".part");

    /// <summary>Where the finished file waits for its job, as today's one-request uploads do.</summary>
    private string FinalPath(ResumableUpload u) =>
        Path.Combine(options.Value.FullTempDir, "uploads", u.Id.ToString("N") + Path.GetExtension(u.FileName).ToLowerInvariant());

    /// <summary>Records a new, empty upload; its choices (library, format, mode, door) are checked now, not after gigabytes.</summary>
    public async Task<ResumableUploadStatus> CreateAsync(ResumableUpload upload, CancellationToken cancellationToken)
    {
        await imports.CheckChoicesAsync(RequestFor(upload, null), cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(Folder);
        await using (new FileStream(DataPath(upload.Id), FileMode.CreateNew, FileAccess.Write))
        {
        }
        await SaveAsync(upload, cancellationToken).ConfigureAwait(false);
        return Status(upload);
    }

    /// <summary>The upload if it exists and is <paramref name="requester"/>'s; anyone else's is "not there", like a missing one.</summary>
    public async Task<ResumableUploadStatus?> FindAsync(Requester requester, Guid id, CancellationToken cancellationToken)
    {
        ResumableUpload? upload;
        try
        {
            await using var file = File.OpenRead(MetaPath(id));
            upload = await JsonSerializer.DeserializeAsync<ResumableUpload>(file, Json, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        return upload is not null && requester.Owns(upload.Owner) ? Status(upload) : null;
    }

    private ResumableUploadStatus Status(ResumableUpload upload)
    {
        var meta = new FileInfo(MetaPath(upload.Id));
        var data = new FileInfo(DataPath(upload.Id));
        var offset = upload.JobId is not null || File.Exists(FinalPath(upload)) ? upload.Length : data.Exists ? data.Length : 0;
        var last = new DateTimeOffset(data.Exists && data.LastWriteTimeUtc > meta.LastWriteTimeUtc ? data.LastWriteTimeUtc : meta.LastWriteTimeUtc);
        var expires = last + options.Value.Uploads.ResumableLifetime;
        return new ResumableUploadStatus(upload, offset, expires, expires <= time.GetUtcNow());
    }

    /// <summary>
    /// Claims the upload for one writer in this process; null when another request is writing to it (the client's earlier
    /// request may still be draining after its connection dropped). Dispose to release.
    /// </summary>
    public IDisposable? TryClaim(Guid id) => _writing.TryAdd(id, 0) ? new Claim(() => _writing.TryRemove(id, out _)) : null;

    private sealed class Claim(Action release) : IDisposable
    {
        public void Dispose() => release();
    }

    /// <summary>
    /// Appends the body at <paramref name="status"/>'s offset, up to the declared length. Bytes that arrived are kept even
    /// when the connection drops mid-way (the client asks for the offset and goes on from there); a body that would go past
    /// the declared length is refused whole and the data stays as it was. The caller holds <see cref="TryClaim"/>.
    /// </summary>
    /// <returns>The new offset.</returns>
    public async Task<long> AppendAsync(ResumableUploadStatus status, Stream body, CancellationToken cancellationToken)
    {
        var room = status.Upload.Length - status.Offset;
        var buffer = new byte[128 * 1024];
        await using var file = new FileStream(DataPath(status.Upload.Id), FileMode.Open, FileAccess.Write, FileShare.Read, 1, useAsync: true);
        file.Position = status.Offset;
        long written = 0;
        int n;
        while ((n = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (written + n > room)
            {
                file.SetLength(status.Offset);
                throw new UploadBeyondLengthException(status.Upload.Length);
            }
            await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            written += n;
        }
        file.Flush(flushToDisk: true);
        return status.Offset + written;
    }

    /// <summary>The first <paramref name="count"/> bytes received, to check what the file really is.</summary>
    public async Task<byte[]> ReadHeadAsync(Guid id, int count, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(DataPath(id));
        var head = new byte[Math.Min(count, file.Length)];
        await file.ReadExactlyAsync(head, cancellationToken).ConfigureAwait(false);
        return head;
    }

    /// <summary>
    /// Hands the complete file to the import pipeline, exactly as a one-request upload is, and records the job. Safe to
    /// repeat after a crash half-way: the file is moved to a fixed name first, and the job id is written last.
    /// </summary>
    public async Task<Job> ImportAsync(ResumableUploadStatus status, CancellationToken cancellationToken)
    {
        var upload = status.Upload;
        var final = FinalPath(upload);
        if (File.Exists(DataPath(upload.Id)))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            File.Move(DataPath(upload.Id), final, overwrite: true);
        }
        var job = await imports.ImportAsync(RequestFor(upload, final), cancellationToken).ConfigureAwait(false);
        await SaveAsync(upload with { JobId = job.Id }, cancellationToken).ConfigureAwait(false);
        return job;
    }

    /// <summary>Removes an upload and whatever it received (its import, if it became one, goes on).</summary>
    public void Delete(ResumableUpload upload)
    {
        File.Delete(DataPath(upload.Id));
        if (upload.JobId is null && File.Exists(FinalPath(upload)))
        {
            File.Delete(FinalPath(upload));
        }
        File.Delete(MetaPath(upload.Id));
    }

    /// <summary>
    /// Whether the temp disk can take <paramref name="bytes"/> more on top of what the resumable uploads in progress still
    /// have to send (space they were promised when they started). Every upload, resumable or not, is checked here.
    /// </summary>
    /// <returns>Null when it fits; otherwise the bytes that are free for it.</returns>
    public long? ShortOfRoom(long bytes)
    {
        if (Notifications.DiskSpaceWatch.DriveOf(options.Value.FullTempDir) is not { } drive)
        {
            return null; // nothing to measure: the write itself will fail if the disk is full
        }
        var pending = All().Where(s => !s.Expired && s.Upload.JobId is null).Sum(s => s.Upload.Length - s.Offset);
        var free = Math.Max(0, drive.AvailableFreeSpace - pending);
        return bytes <= free ? null : free;
    }

    /// <summary>For housekeeping: removes expired uploads (finished or not); returns how many.</summary>
    public int RemoveExpired()
    {
        var removed = All().Where(s => s.Expired && !_writing.ContainsKey(s.Upload.Id)).ToList()
            .Count(s => TryRemove(s.Upload.Id.ToString(), () => Delete(s.Upload)));
        // Data whose record is gone (a crash between writing the two) belongs to nobody.
        var cutoff = time.GetUtcNow().UtcDateTime - options.Value.Uploads.ResumableLifetime;
        var orphans = Directory.Exists(Folder)
            ? Directory.GetFiles(Folder, "*.part").Where(p => !File.Exists(Path.ChangeExtension(p, ".json")) && File.GetLastWriteTimeUtc(p) < cutoff).ToList()
            : [];
        return removed + orphans.Count(p => TryRemove(p, () => File.Delete(p)));
    }

    private bool TryRemove(string what, Action remove)
    {
        try
        {
            remove();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not remove the expired upload {Upload}: {Error}", what, ex.Message);
            return false;
        }
    }

    private IEnumerable<ResumableUploadStatus> All()
    {
        if (!Directory.Exists(Folder))
        {
            yield break;
        }
        foreach (var path in Directory.EnumerateFiles(Folder, "*.json"))
        {
            ResumableUpload? upload = null;
            try
            {
                upload = JsonSerializer.Deserialize<ResumableUpload>(File.ReadAllBytes(path), Json);
            }
            catch (Exception ex) when (ex is IOException or JsonException)
            {
                logger.LogWarning("Skipping the unreadable upload record {Path}: {Error}", path, ex.Message);
            }
            if (upload is not null)
            {
                yield return Status(upload);
            }
        }
    }

    /// <summary>Written to a temporary name and moved, so a crash never leaves half a record.</summary>
    private async Task SaveAsync(ResumableUpload upload, CancellationToken cancellationToken)
    {
        var path = MetaPath(upload.Id);
        var temp = path + ".new";
        await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(upload, Json), cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
    }

    private static ImportRequest RequestFor(ResumableUpload upload, string? file) => new()
    {
        UploadedFile = file,
        FileName = upload.FileName,
        Library = upload.Library,
        Format = upload.Format,
        Mode = upload.Mode,
        Door = upload.Door,
        RequestedBy = upload.Owner,
    };
}

/// <summary>A chunk that would take the upload past the length its creator declared.</summary>
public sealed class UploadBeyondLengthException(long length)
    : HubException("beyond-length", $"This chunk goes past the upload's declared length of {length:N0} bytes; nothing of it was kept.");
