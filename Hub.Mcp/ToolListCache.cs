using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Hub.Mcp;

/// <summary>
/// tools/list answered from a cache of the SDK's own answer. The SDK builds each answer as a JSON node tree (every
/// tool's schema parsed again), about 200 KB of short-lived objects for Hub's 60 KB list, part of it on the large-object
/// heap; with a fresh server per stateless request that made tools/list cost 10–20× an authenticated <c>GET /me</c> and
/// drove a gen-2 collection a second under load. The list only changes with the tools a caller may use (their
/// <c>[Authorize]</c> attributes, checked per request exactly as <see cref="McpGuards"/> does) and the protocol version
/// (older versions get legacy schemas), so the first answer for each such key is kept, captured on its way out, and
/// replayed after that. Paged requests (a cursor) always go to the SDK.
/// </summary>
public sealed class ToolListCache
{
    private const string KeyItem = "hub.tool-list-key";
    private readonly ConcurrentDictionary<string, JsonElement> _answers = new(StringComparer.Ordinal);

    public McpMessageFilter Incoming => next => async (context, cancellationToken) =>
    {
        if (context.JsonRpcMessage is not JsonRpcRequest { Method: RequestMethods.ToolsList } request
            || (request.Params is JsonObject p && p["cursor"] is not null)
            || context.Server.ServerOptions.ToolCollection is not { } tools)
        {
            await next(context, cancellationToken).ConfigureAwait(false);
            return;
        }
        var key = await KeyAsync(context, tools).ConfigureAwait(false);
        if (_answers.TryGetValue(key, out var answer))
        {
            // Through the request's server, which sends it down the request's own transport (the POST's stream).
            await context.Server.SendMessageAsync(new JsonRpcResponse
            {
                Id = request.Id,
                Result = JsonObject.Create(answer), // a new node per answer: outgoing filters may add _meta to it
            }, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (request.Context is { } rpc)
        {
            (rpc.Items ??= new Dictionary<string, object?>())[KeyItem] = key;
        }
        await next(context, cancellationToken).ConfigureAwait(false);
    };

    /// <summary>Keeps the SDK's answer to a request <see cref="Incoming"/> marked (the response shares its context).</summary>
    public McpMessageFilter Outgoing => next => async (context, cancellationToken) =>
    {
        if (context.JsonRpcMessage is JsonRpcResponse { Result: JsonObject result, Context.Items: { } items }
            && items.TryGetValue(KeyItem, out var value) && value is string key)
        {
            var copy = result.DeepClone().AsObject();
            copy.Remove("_meta"); // per response (the server's identity on newer protocol versions); the SDK adds it again
            _answers.TryAdd(key, JsonSerializer.SerializeToElement(copy, McpJson.Options));
        }
        await next(context, cancellationToken).ConfigureAwait(false);
    };

    private static async Task<string> KeyAsync(MessageContext context, McpServerPrimitiveCollection<McpServerTool> tools)
    {
        var key = new System.Text.StringBuilder(context.Server.NegotiatedProtocolVersion ?? "-");
        var decided = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            if (await McpGuards.MayUseAsync(context, tool, decided).ConfigureAwait(false))
            {
                key.Append('\n').Append(tool.ProtocolTool.Name);
            }
        }
        return key.ToString();
    }
}
