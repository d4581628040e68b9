using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace Hub.Bot.Telegram;

/// <summary>
/// Fetches a file people sent to the bot: getFile, then the download, never more than a limit (Telegram.Bot's
/// DownloadFile copies whatever the server sends, so the limit is ours). A local Bot API server (--local) answers
/// getFile with an absolute path on this machine, which is copied instead of downloaded.
/// </summary>
public sealed class TelegramFiles(ITelegramBotClient client, IOptions<TelegramOptions> options)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    /// <summary>Writes the file into <paramref name="destination"/>; a file over <paramref name="maxBytes"/> is an error 413.</summary>
    public async Task<long> DownloadAsync(string fileId, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Timeout);
        var file = await client.GetFile(fileId, cts.Token).ConfigureAwait(false);
        if (file.FileSize > maxBytes)
        {
            throw TooBig();
        }
        var path = file.FilePath ?? throw new ApiRequestException("getFile gave no file path", 400);
        var limited = new LimitedStream(destination, maxBytes);
        try
        {
            if (options.Value.LocalApiServer && Path.IsPathRooted(path) && File.Exists(path))
            {
                await using var local = File.OpenRead(path);
                await local.CopyToAsync(limited, cts.Token).ConfigureAwait(false);
            }
            else
            {
                await client.DownloadFile(path, limited, cts.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (Causes(ex).Any(e => e is LimitExceededException))
        {
            throw TooBig();
        }
        return limited.Written;
    }

    private static ApiRequestException TooBig() => new("file is too big", 413);

    /// <summary>The library and HttpContent wrap what the destination throws (HttpRequestException, RequestException).</summary>
    private static IEnumerable<Exception> Causes(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            yield return ex;
        }
    }

    private sealed class LimitExceededException() : InvalidOperationException("over the limit");

    /// <summary>A write-only pass-through that refuses to grow past its limit.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        public long Written { get; private set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Written;
        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written += buffer.Length;
            if (Written > limit)
            {
                throw new LimitExceededException();
            }
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
