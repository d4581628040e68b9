using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Hub.Domain.Engines.Http;

/// <summary>What we knew about a partial download, kept next to it so a later attempt can resume safely.</summary>
internal sealed record PartState(string Url, string? ETag, string? LastModified, long? Length, string? FileName, string? ContentType)
{
    /// <summary>Resuming is only safe when the server gave something to detect that the file changed (If-Range).</summary>
    public bool CanResume => ETag is not null || LastModified is not null;
}

/// <summary>The <c>&lt;name&gt;.part</c> file and its <c>&lt;name&gt;.part.json</c> sidecar in a job's work folder.</summary>
internal sealed class PartialDownload(string partPath)
{
    public string PartPath { get; } = partPath;
    public string SidecarPath { get; } = partPath + ".json";

    /// <summary>The saved state when it belongs to this URL and its part file still exists; otherwise null.</summary>
    public PartState? Load(Uri url)
    {
        try
        {
            if (!File.Exists(PartPath) || !File.Exists(SidecarPath))
            {
                return null;
            }
            var state = JsonSerializer.Deserialize<PartState>(File.ReadAllText(SidecarPath));
            return state is not null && state.Url == url.AbsoluteUri && state.CanResume ? state : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            // A torn or foreign sidecar just means starting over.
            return null;
        }
    }

    public async Task SaveAsync(PartState state, CancellationToken cancellationToken)
    {
        var tmp = SidecarPath + ".tmp";
        await File.WriteAllTextAsync(tmp, JsonSerializer.Serialize(state), cancellationToken).ConfigureAwait(false);
        File.Move(tmp, SidecarPath, overwrite: true);
    }

    public void DeleteSidecar() => File.Delete(SidecarPath);

    public void Delete()
    {
        File.Delete(PartPath);
        File.Delete(SidecarPath);
    }
}

/// <summary>
/// Opens a download's part file: the one place the HTTP engine gets a stream on the temp disk, so a test can hand
/// it one that fails the way a full disk does (ENOSPC). The default is <see cref="PartFiles.Open"/>.
/// </summary>
public delegate FileStream PartFileOpener(string path, FileStreamOptions options);

public static class PartFiles
{
    public static FileStream Open(string path, FileStreamOptions options) => new(path, options);
}

/// <summary>Appends to the part file and feeds the same bytes to SHA-256, so the hash is ready when the last byte lands.</summary>
internal sealed class HashingWriter : IAsyncDisposable
{
    private readonly FileStream _file;
    private IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    private HashingWriter(FileStream file) => _file = file;

    public long Length { get; private set; }

    /// <summary>Opens the part file; when resuming, re-hashes what is already there and continues after it.</summary>
    public static async Task<HashingWriter> OpenAsync(PartFileOpener open, string path, bool resume, int bufferSize, CancellationToken cancellationToken)
    {
        var file = open(path, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.Read,
            // We hand the stream large blocks already; a second buffer would only copy them.
            BufferSize = 0,
            Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
        });
        var writer = new HashingWriter(file);
        try
        {
            if (!resume)
            {
                // Only a leftover needs cutting. Truncating even an empty new file makes ext4 (auto_da_alloc) push the
                // whole file to disk when it is closed, in the closing thread: ~0.35 s of CPU and wall time for 1 GiB.
                if (file.Length != 0)
                {
                    file.SetLength(0);
                }
                return writer;
            }
            var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
            try
            {
                int n;
                while ((n = await file.ReadAsync(buffer.AsMemory(0, bufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    writer._hash.AppendData(buffer, 0, n);
                    writer.Length += n;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            return writer;
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        _hash.AppendData(data.Span);
        await _file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        Length += data.Length;
    }

    /// <summary>Throws away what was written: the server sent the whole file again, or a different one.</summary>
    public void Restart()
    {
        _file.SetLength(0);
        _file.Position = 0;
        _hash.Dispose();
        _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Length = 0;
    }

    /// <summary>Flushes to disk and returns the lower-case hex SHA-256 of everything written.</summary>
    public async Task<string> FinishAsync(CancellationToken cancellationToken)
    {
        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _hash.Dispose();
        await _file.DisposeAsync().ConfigureAwait(false);
    }
}
