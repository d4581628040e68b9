using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Win32.SafeHandles;

namespace Hub.Web.Streaming;

/// <summary>
/// Wraps the response body to count the file bytes actually handed to the server (for stream analytics). The
/// framework's file results send through <see cref="SendFileAsync"/>, which reads the file in 64 KiB chunks with
/// positional reads and writes them to the server's pipe; a chunk counts once the server accepted it, so an aborted
/// response counts what got out plus at most the server's small output buffer. Other writes pass through uncounted.
/// </summary>
public sealed class CountingBodyFeature(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
{
    private const int ChunkSize = 64 * 1024;
    private long _bytes;

    public long BytesSent => Interlocked.Read(ref _bytes);

    public Stream Stream => inner.Stream;
    public PipeWriter Writer => inner.Writer;
    public void DisableBuffering() => inner.DisableBuffering();
    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);
    public Task CompleteAsync() => inner.CompleteAsync();

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
        var remaining = count ?? RandomAccess.GetLength(handle) - offset;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            while (remaining > 0)
            {
                var n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, (int)Math.Min(ChunkSize, remaining)), offset, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new IOException($"The file ended {remaining} bytes early (it changed while being sent).");
                }
                var flush = await inner.Writer.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                // The server took the chunk (a write that throws took nothing); it may still be in its buffer.
                Interlocked.Add(ref _bytes, n);
                if (flush.IsCanceled || flush.IsCompleted)
                {
                    return; // the client went away; nothing more will get out
                }
                offset += n;
                remaining -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
