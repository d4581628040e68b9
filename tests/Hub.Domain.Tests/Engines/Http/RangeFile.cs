using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

namespace Hub.Domain.Tests.Engines.Http;

/// <summary>
/// A hand-written file endpoint for LoopbackServer that honours Range and If-Range against its ETag, and can
/// misbehave on purpose: drop the connection at a file offset, stall between chunks, hide its length (chunked).
/// </summary>
public sealed class RangeFile(byte[] data, string contentType = "video/mp4")
{
    public byte[] Data { get; set; } = data;
    public string ETag { get; set; } = "\"v1\"";
    public string ContentType { get; set; } = contentType;
    public string? ContentDisposition { get; set; }
    /// <summary>Abort the connection once the response reaches this offset in the file, while DropsLeft > 0.</summary>
    public long? DropAtOffset { get; set; }
    public int DropsLeft { get; set; }
    public bool Chunked { get; set; }
    public TimeSpan ChunkDelay { get; set; }
    public int ChunkSize { get; set; } = 64 * 1024;
    /// <summary>Answer 503 to everything (a server that went away for a while).</summary>
    public bool Unavailable { get; set; }
    public Action? OnDrop { get; set; }

    public async Task HandleAsync(HttpContext ctx)
    {
        var data = Data;
        if (Unavailable)
        {
            ctx.Response.StatusCode = 503;
            return;
        }
        ctx.Response.ContentType = ContentType;
        ctx.Response.Headers.ETag = ETag;
        ctx.Response.Headers.AcceptRanges = "bytes";
        if (ContentDisposition is not null)
        {
            ctx.Response.Headers.ContentDisposition = ContentDisposition;
        }
        long start = 0;
        var rangeHeader = ctx.Request.Headers.Range.ToString();
        var ifRange = ctx.Request.Headers.IfRange.ToString();
        if (rangeHeader.Length > 0 && (ifRange.Length == 0 || ifRange == ETag) && RangeHeaderValue.TryParse(rangeHeader, out var range))
        {
            start = range.Ranges.First().From ?? 0;
            if (start >= data.Length)
            {
                ctx.Response.StatusCode = 416;
                ctx.Response.Headers.ContentRange = $"bytes */{data.Length}";
                return;
            }
            ctx.Response.StatusCode = 206;
            ctx.Response.Headers.ContentRange = $"bytes {start}-{data.Length - 1}/{data.Length}";
        }
        if (!Chunked)
        {
            ctx.Response.ContentLength = data.Length - start;
        }
        if (HttpMethods.IsHead(ctx.Request.Method))
        {
            return;
        }
        var drop = DropsLeft > 0 ? DropAtOffset : null;
        for (var at = start; at < data.Length;)
        {
            var end = (int)Math.Min(data.Length, at + ChunkSize);
            var dropNow = drop is { } d && at < d && end >= d;
            if (dropNow)
            {
                end = (int)drop!.Value;
            }
            await ctx.Response.Body.WriteAsync(data.AsMemory((int)at, end - (int)at), ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            at = end;
            if (dropNow)
            {
                DropsLeft--;
                OnDrop?.Invoke();
                ctx.Abort();
                return;
            }
            if (ChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(ChunkDelay, ctx.RequestAborted);
            }
        }
    }
}
