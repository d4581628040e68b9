using System.Buffers;
using System.Runtime.ExceptionServices;
using Hub.Domain.Imports;

namespace Hub.Domain.Engines.Http;

/// <summary>
/// Moves a response body into the part file. Two buffers take turns: while one is hashed and written on the thread
/// pool, the socket fills the other, so reading, SHA-256 and the disk overlap instead of queueing behind each other.
/// Memory stays at two buffers whatever the file size.
/// </summary>
internal static class BodyPump
{
    public static async Task CopyAsync(Stream body, HashingWriter writer, long limit, Func<ImportFailedException> tooLarge,
        Action<long> reportProgress, TimeSpan readTimeout, CancellationToken cancellationToken)
    {
        byte[][] buffers = [ArrayPool<byte>.Shared.Rent(HttpDownloadEngine.BufferSize), ArrayPool<byte>.Shared.Rent(HttpDownloadEngine.BufferSize)];
        var pending = Task.CompletedTask;
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            for (var turn = 0; ; turn++)
            {
                var buffer = buffers[turn % 2];
                var (filled, ended, failure) = await FillAsync(body, buffer, stall, readTimeout).ConfigureAwait(false);
                await pending.ConfigureAwait(false);
                reportProgress(writer.Length);
                if (writer.Length + filled > limit)
                {
                    throw tooLarge();
                }
                if (failure is not null)
                {
                    // Keep what arrived before the failure: the resume (now or in a later attempt) starts after it.
                    await WriteAsync(writer, buffer.AsMemory(0, filled)).ConfigureAwait(false);
                    reportProgress(writer.Length);
                    failure.Throw();
                }
                if (filled > 0)
                {
                    var chunk = buffer.AsMemory(0, filled);
                    pending = Task.Run(() => WriteAsync(writer, chunk), CancellationToken.None);
                }
                if (ended)
                {
                    await pending.ConfigureAwait(false);
                    reportProgress(writer.Length);
                    return;
                }
            }
        }
        finally
        {
            // Never hand a buffer back to the pool while a write may still read it.
            await pending.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                .ConfigureAwait(false);
            ArrayPool<byte>.Shared.Return(buffers[0]);
            ArrayPool<byte>.Shared.Return(buffers[1]);
        }
    }

    /// <summary>
    /// Fills the whole buffer (the socket hands out small pieces, the disk prefers big ones), or up to the end or a
    /// failure — or for at most <see cref="MaxFillTime"/>, so a slow download still reaches the disk (and the progress
    /// bar, and a resume after a crash) every half second rather than every 256 KiB.
    /// </summary>
    private static async Task<(int Filled, bool Ended, ExceptionDispatchInfo? Failure)> FillAsync(
        Stream body, byte[] buffer, CancellationTokenSource stall, TimeSpan readTimeout)
    {
        var filled = 0;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            while (filled < HttpDownloadEngine.BufferSize && (filled == 0 || System.Diagnostics.Stopwatch.GetElapsedTime(started) < MaxFillTime))
            {
                stall.CancelAfter(readTimeout);
                var n = await body.ReadAsync(buffer.AsMemory(filled, HttpDownloadEngine.BufferSize - filled), stall.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return (filled, true, null);
                }
                filled += n;
            }
            return (filled, false, null);
        }
        catch (Exception ex)
        {
            return (filled, false, ExceptionDispatchInfo.Capture(ex));
        }
    }

    private static readonly TimeSpan MaxFillTime = TimeSpan.FromMilliseconds(500);

    private static async Task WriteAsync(HashingWriter writer, ReadOnlyMemory<byte> data)
    {
        try
        {
            // Not cancellable on purpose: a block already received is worth keeping for a resume, and it is quick.
            await writer.WriteAsync(data, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw ImportFailedException.FromDiskWrite(ex);
        }
    }
}
