using System.Buffers;
using System.Net.Sockets;
using System.Text;

namespace Hub.Domain.Net;

/// <summary>An HTTP/1.x request or response head: the start line and the header fields in order.</summary>
internal sealed record HttpHead(string StartLine, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public string? this[string name] => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    public byte[] ToBytes()
    {
        var sb = new StringBuilder(StartLine).Append("\r\n");
        foreach (var (name, value) in Headers)
        {
            sb.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        return Encoding.Latin1.GetBytes(sb.Append("\r\n").ToString());
    }

    /// <summary>
    /// The head without hop-by-hop fields (RFC 9110 7.6.1: Connection, the fields it names, Keep-Alive, Proxy-*, TE,
    /// Upgrade) and with <c>Connection: close</c>. Transfer-Encoding stays: the body passes through unchanged.
    /// </summary>
    public HttpHead ForNextHop(string startLine, IEnumerable<KeyValuePair<string, string>>? prepend = null)
    {
        var named = (this["Connection"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var kept = Headers.Where(h => !HopByHop.Contains(h.Key) && !named.Contains(h.Key, StringComparer.OrdinalIgnoreCase));
        return new HttpHead(startLine, [.. prepend ?? [], .. kept, new("Connection", "close")]);
    }

    // Host is here too: the proxy sets it from the request target (RFC 9112 3.2.2), never from what the client wrote.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "Proxy-Authenticate", "TE", "Trailer", "Upgrade", "Host",
    };
}

/// <summary>Reads heads off a stream, keeping whatever arrived after a head for the body that follows.</summary>
internal sealed class HeadReader(Stream stream)
{
    public const int MaxHeadBytes = 32 * 1024;

    private readonly byte[] _buffer = new byte[MaxHeadBytes];
    private int _start;
    private int _end;

    /// <summary>Bytes read past the last head (the start of a body or a tunnel's first bytes).</summary>
    public ReadOnlyMemory<byte> Rest => _buffer.AsMemory(_start, _end - _start);

    /// <summary>The next head; null when the stream ends before its first byte. Throws <see cref="InvalidDataException"/> when malformed or over 32 KB.</summary>
    public async Task<HttpHead?> ReadAsync(CancellationToken cancellationToken)
    {
        var scanned = _start;
        while (true)
        {
            var found = _buffer.AsSpan(scanned, _end - scanned).IndexOf("\r\n\r\n"u8);
            if (found >= 0)
            {
                var headEnd = scanned + found;
                var head = Parse(Encoding.Latin1.GetString(_buffer, _start, headEnd - _start));
                _start = headEnd + 4;
                return head;
            }
            scanned = Math.Max(_start, _end - 3);
            if (_start > 0)
            {
                // Slide the unread bytes to the front so the whole buffer is available to one head.
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                (scanned, _end, _start) = (scanned - _start, _end - _start, 0);
            }
            if (_end == _buffer.Length)
            {
                throw new InvalidDataException($"The HTTP head is larger than {MaxHeadBytes / 1024} KB.");
            }
            var n = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return _end == _start ? null : throw new InvalidDataException("The connection closed in the middle of an HTTP head.");
            }
            _end += n;
        }
    }

    private static HttpHead Parse(string text)
    {
        var lines = text.Split("\r\n");
        var headers = new List<KeyValuePair<string, string>>(lines.Length - 1);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            // No obsolete line folding, no whitespace before the colon (RFC 9112 5.1/5.2): both are smuggling tools.
            if (colon <= 0 || line[0] is ' ' or '\t' || line[colon - 1] is ' ' or '\t')
            {
                throw new InvalidDataException("Malformed HTTP header line.");
            }
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
        }
        if (lines[0].Length == 0 || lines[0].Any(char.IsControl))
        {
            throw new InvalidDataException("Malformed HTTP start line.");
        }
        return new HttpHead(lines[0], headers);
    }
}

internal static class ProxyWire
{
    private const int CopyBufferBytes = 64 * 1024;

    /// <summary>A short complete response with <c>Connection: close</c>; the reason phrase carries the explanation for clients that only show that.</summary>
    public static async Task WriteStatusAsync(Stream stream, int status, string reason, string body,
        IEnumerable<KeyValuePair<string, string>>? extra, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(body + "\n");
        var head = new HttpHead($"HTTP/1.1 {status} {Printable(reason)}",
        [
            .. extra ?? [],
            new("Content-Type", "text/plain; charset=utf-8"),
            new("Content-Length", bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Connection", "close"),
        ]);
        await stream.WriteAsync(head.ToBytes(), cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Header values and reason phrases may not hold control or non-ASCII characters.</summary>
    public static string Printable(string text) => new([.. text.Select(c => c is >= ' ' and <= '~' ? c : '?')]);

    /// <summary>
    /// Copies both ways until the upstream ends (or fails), the client fails, the connection stays silent for
    /// <paramref name="idle"/>, or <paramref name="cancellationToken"/> fires. A client that half-closes (ends its request)
    /// gets the rest of the answer. Bytes pass through one pooled buffer per direction; nothing else is kept.
    /// <paramref name="answerHead"/>, when given, handles the start of the answer (it returns the body bytes it read
    /// past the head) while the request body already flows upstream.
    /// </summary>
    public static async Task RelayAsync(NetworkStream client, NetworkStream upstream, TimeSpan idle,
        Func<CancellationToken, Task<ReadOnlyMemory<byte>>>? answerHead, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lastActivity = Environment.TickCount64;
        var watchdog = WatchAsync();
        var toUpstream = ClientToUpstreamAsync();
        try
        {
            if (answerHead is not null)
            {
                var body = await answerHead(stop.Token).ConfigureAwait(false);
                await client.WriteAsync(body, stop.Token).ConfigureAwait(false);
            }
            await PumpAsync(upstream, client).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionEnd(ex))
        {
        }
        finally
        {
            stop.Cancel();
        }
        await toUpstream.ConfigureAwait(false);
        await watchdog.ConfigureAwait(false);

        async Task ClientToUpstreamAsync()
        {
            try
            {
                await PumpAsync(client, upstream).ConfigureAwait(false);
                upstream.Socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (IsConnectionEnd(ex))
            {
                if (!stop.IsCancellationRequested) stop.Cancel();
            }
        }

        async Task PumpAsync(Stream from, Stream to)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
            try
            {
                int n;
                while ((n = await from.ReadAsync(buffer, stop.Token).ConfigureAwait(false)) > 0)
                {
                    await to.WriteAsync(buffer.AsMemory(0, n), stop.Token).ConfigureAwait(false);
                    Volatile.Write(ref lastActivity, Environment.TickCount64);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        async Task WatchAsync()
        {
            try
            {
                var period = TimeSpan.FromMilliseconds(Math.Clamp(idle.TotalMilliseconds / 4, 50, 5000));
                while (true)
                {
                    await Task.Delay(period, stop.Token).ConfigureAwait(false);
                    if (Environment.TickCount64 - Volatile.Read(ref lastActivity) > idle.TotalMilliseconds)
                    {
                        stop.Cancel();
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public static bool IsConnectionEnd(Exception ex) =>
        ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidDataException;
}
