using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Win32.SafeHandles;

namespace Hub.Web.Streaming;

/// <summary>
/// Wraps the response body to count the file bytes actually handed to the server (for stream analytics). The
/// framework's file results send through <see cref="SendFileAsync"/>, which reads the file in 256 KiB chunks with
/// positional reads straight into the server's pipe; a chunk counts once it is in the server's output pipe, so an aborted
/// response counts what got out plus at most what was still buffered (about one chunk and the server's buffer). Other writes pass through uncounted.
/// </summary>
public sealed class CountingBodyFeature(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
{
    private const int ChunkSize = 256 * 1024;
    private long _bytes;

    public long BytesSent => Interlocked.Read(ref _bytes);

    public Stream Stream => inner.Stream;
    public PipeWriter Writer => inner.Writer;
    public void DisableBuffering() => inner.DisableBuffering();
    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);
    public Task CompleteAsync() => inner.CompleteAsync();

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var remaining = count ?? RandomAccess.GetLength(handle) - offset;
        var writer = inner.Writer;
        // Headers first: bytes written before the response has started are buffered apart and copied once more.
        await inner.StartAsync(cancellationToken).ConfigureAwait(false);
        while (remaining > 0)
        {
            // Read straight into the server's output pipe (no copy through a buffer of ours) with positional reads on a
            // synchronous handle: on Linux .NET's "async" file reads are these same reads queued to the thread pool,
            // and a media file being streamed is nearly always in the page cache.
            var want = (int)Math.Min(ChunkSize, remaining);
            var memory = writer.GetMemory(want)[..want];
            var n = RandomAccess.Read(handle, memory.Span, offset);
            if (n == 0)
            {
                throw new IOException($"The file ended {remaining} bytes early (it changed while being sent).");
            }
            // Counted once handed to the server (in its output pipe), before the flush that may be cancelled by a
            // client going away: the count never falls below what a client received.
            writer.Advance(n);
            Interlocked.Add(ref _bytes, n);
            var flush = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCanceled || flush.IsCompleted)
            {
                return; // the client went away; nothing more will get out
            }
            offset += n;
            remaining -= n;
        }
    }
}
