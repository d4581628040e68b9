using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hub.Web.Jobs;

/// <summary>The <c>Hub:Sse</c> section.</summary>
public sealed class SseOptions
{
    /// <summary>A comment line this often keeps proxies from closing an idle stream (and lets per-job streams re-check the row).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The <c>retry:</c> hint: how long a browser's EventSource waits before reconnecting.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(3);
}

/// <summary>
/// A hand-written <c>text/event-stream</c> writer: <c>TypedResults.ServerSentEvents</c> cannot write comment lines,
/// which the heartbeat needs. Every write is flushed at once; response buffering is off.
/// </summary>
public sealed class SseWriter
{
    private readonly HttpResponse _response;
    private readonly JsonSerializerOptions _json;
    private long _nextId;

    private SseWriter(HttpResponse response, JsonSerializerOptions json)
    {
        _response = response;
        _json = json;
    }

    public static async Task<SseWriter> StartAsync(HttpContext context, TimeSpan reconnectDelay, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx in front must not hold events back
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var writer = new SseWriter(response, context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions);
        await writer.WriteRawAsync($"retry: {(long)reconnectDelay.TotalMilliseconds}\n\n", cancellationToken).ConfigureAwait(false);
        return writer;
    }

    public Task WriteEventAsync<T>(string eventName, T data, CancellationToken cancellationToken) =>
        WriteRawAsync($"event: {eventName}\nid: {++_nextId}\ndata: {JsonSerializer.Serialize(data, _json)}\n\n", cancellationToken);

    public Task WriteCommentAsync(string text, CancellationToken cancellationToken) => WriteRawAsync($": {text}\n\n", cancellationToken);

    private async Task WriteRawAsync(string text, CancellationToken cancellationToken)
    {
        await _response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        await _response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
