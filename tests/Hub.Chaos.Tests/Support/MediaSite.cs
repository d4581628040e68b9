using System.Buffers.Binary;
using System.Collections.Concurrent;
using Hub.Testing;
using Microsoft.AspNetCore.Http;

namespace Hub.Chaos.Tests.Support;

/// <summary>What the upstream does to one request for a file.</summary>
public enum UpstreamFault
{
    None,
    /// <summary>Headers and part of the body, then nothing (the connection stays open).</summary>
    Stall,
    /// <summary>Headers and part of the body, then the connection is reset.</summary>
    Reset,
}

/// <summary>
/// A loopback upstream serving real media (a small ffmpeg clip followed by an MP4 <c>free</c> box of unique padding,
/// so every file is a distinct, ffprobe-valid MP4 of the chosen size) with Range, a strong ETag, an optional pace,
/// and faults on chosen requests. Counts every body byte it sends, per file.
/// </summary>
public sealed class MediaSite : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _served = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _gets = new(StringComparer.Ordinal);
    private LoopbackServer _server = null!;

    /// <summary>Body bytes per second per request; 0 = as fast as possible.</summary>
    public int BytesPerSecond { get; set; }

    /// <summary>Decides, per file and per GET (1-based), whether and how to misbehave, and after what fraction of the file.</summary>
    public Func<string, int, (UpstreamFault Fault, double After)> Faults { get; set; } = (_, _) => (UpstreamFault.None, 0);

    public int FaultsInjected => _faults;
    private int _faults;

    /// <summary>
    /// While not completed, every transfer pauses once it reaches <see cref="HoldAt"/> of its file: a scenario can
    /// keep a download in the middle until the fault it wants to inject is ready, whatever the machine's speed.
    /// </summary>
    public TaskCompletionSource? Hold { get; set; }

    public double HoldAt { get; set; } = 0.3;

    /// <summary>GETs that asked for a Range (resumes).</summary>
    public int RangeGets => _rangeGets;
    private int _rangeGets;

    public static async Task<MediaSite> StartAsync()
    {
        var site = new MediaSite();
        site._server = await LoopbackServer.StartAsync();
        return site;
    }

    public long BytesServed => _served.Values.Sum();

    public long Needed => _files.Values.Sum(f => (long)f.Length);

    public int Gets(string name) => _gets.GetValueOrDefault(name);

    public long ServedOf(string name) => _served.GetValueOrDefault(name);

    public byte[] Bytes(string name) => _files[name];

    /// <summary>Adds <paramref name="name"/> (an .mp4) of about <paramref name="size"/> bytes; returns its URL.</summary>
    public async Task<string> AddAsync(string name, int size)
    {
        var clip = await File.ReadAllBytesAsync(await TestMedia.VideoAsync());
        var pad = Math.Max(64, size - clip.Length - 8);
        var bytes = new byte[clip.Length + 8 + pad];
        clip.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(clip.Length), 8 + pad);
        "free"u8.CopyTo(bytes.AsSpan(clip.Length + 4));
        new Random(name.GetHashCode(StringComparison.Ordinal) ^ size).NextBytes(bytes.AsSpan(clip.Length + 8));
        _files[name] = bytes;
        _server.Map(name, ctx => ServeAsync(ctx, name, bytes));
        return _server.Url(name).AbsoluteUri;
    }

    private async Task ServeAsync(HttpContext ctx, string name, byte[] bytes)
    {
        ctx.Response.ContentType = "video/mp4";
        ctx.Response.Headers.AcceptRanges = "bytes";
        ctx.Response.Headers.ETag = $"\"{name}-v1\"";
        long start = 0;
        var range = ctx.Request.Headers.Range.ToString();
        if (range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-') && long.TryParse(range[6..^1], out var from))
        {
            if (from >= bytes.Length)
            {
                ctx.Response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                ctx.Response.Headers.ContentRange = $"bytes */{bytes.Length}";
                return;
            }
            start = from;
            ctx.Response.StatusCode = StatusCodes.Status206PartialContent;
            ctx.Response.Headers.ContentRange = $"bytes {start}-{bytes.Length - 1}/{bytes.Length}";
        }
        ctx.Response.ContentLength = bytes.Length - start;
        if (HttpMethods.IsHead(ctx.Request.Method))
        {
            return;
        }
        var n = _gets.AddOrUpdate(name, 1, (_, c) => c + 1);
        if (start > 0)
        {
            Interlocked.Increment(ref _rangeGets);
        }
        var (fault, after) = Faults(name, n);
        // At or before the requested start, the fault comes before the first body byte.
        var faultAt = fault == UpstreamFault.None ? long.MaxValue : (long)(bytes.Length * after);
        const int chunk = 16 * 1024;
        var paced = BytesPerSecond > 0;
        var began = System.Diagnostics.Stopwatch.GetTimestamp();
        long sent = 0;
        // Headers go out first, whatever follows (StartAsync alone leaves them in Kestrel's buffer until a body write).
        await ctx.Response.StartAsync(ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        for (var pos = start; pos < bytes.Length; pos += chunk)
        {
            if (Hold is { Task.IsCompleted: false } hold && pos >= bytes.Length * HoldAt)
            {
                await hold.Task.WaitAsync(TimeSpan.FromMinutes(3), ctx.RequestAborted);
                began = System.Diagnostics.Stopwatch.GetTimestamp(); // the pace starts again after the hold, no burst
                sent = 0;
            }
            if (pos >= faultAt)
            {
                Interlocked.Increment(ref _faults);
                if (fault == UpstreamFault.Reset)
                {
                    ctx.Abort();
                    return;
                }
                // A stall: hold the connection open, send nothing, until the client gives up (bounded anyway).
                try
                {
                    await Task.Delay(TimeSpan.FromMinutes(2), ctx.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }
                ctx.Abort();
                return;
            }
            var len = (int)Math.Min(chunk, Math.Min(bytes.Length - pos, faultAt - pos));
            await ctx.Response.Body.WriteAsync(bytes.AsMemory((int)pos, len), ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            sent += len;
            _served.AddOrUpdate(name, len, (_, s) => s + len);
            if (paced)
            {
                // Keep to the pace overall, whatever the scheduler does to single delays.
                var due = TimeSpan.FromSeconds((double)sent / BytesPerSecond) - System.Diagnostics.Stopwatch.GetElapsedTime(began);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, ctx.RequestAborted);
                }
            }
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
