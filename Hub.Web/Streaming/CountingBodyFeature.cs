using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Win32.SafeHandles;

namespace Hub.Web.Streaming;

/// <summary>
/// Wraps the response body to count the file bytes actually handed to the server (for stream analytics). The
/// framework's file results send through <see cref="SendFileAsync"/>, which reads the file in 64 KiB chunks with
/// positional reads and writes them to the server's pipe; a chunk counts once it is in the server's output pipe, so an aborted
/// response counts what got out plus at most what was still buffered (about one chunk and the server's buffer). Other writes pass through uncounted.
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
                // Counted once handed to the server (copied into its output pipe), before the flush that may be
                // cancelled by a client going away: the count never falls below what a client received.
                inner.Writer.Write(buffer.AsSpan(0, n));
                Interlocked.Add(ref _bytes, n);
                var flush = await inner.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
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
