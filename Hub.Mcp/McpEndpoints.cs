using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Hub.Domain.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Hub.Mcp;

/// <summary>
/// MCP's Streamable HTTP transport at <c>/mcp</c>, hosted by us over the SDK's <see cref="StreamableHttpServerTransport"/>
/// in stateless mode: every POST is one JSON-RPC message answered by a fresh server for the authenticated caller, so no
/// session state lives in the process. The transport rules of the spec are checked here, in this order: Origin (403),
/// method (405: no server-initiated GET stream, no sessions to DELETE), bearer token (401), MCP-Protocol-Version (400),
/// Accept (406), body (400); a notification or response is answered 202.
/// </summary>
public static class McpEndpoints
{
    public const string Path = "/mcp";
    public const string ProtocolVersionHeader = "MCP-Protocol-Version";

    private static readonly JsonTypeInfo<JsonRpcMessage> MessageType =
        (JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));
    private static readonly JsonTypeInfo<JsonRpcError> ErrorType =
        (JsonTypeInfo<JsonRpcError>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcError));

    /// <summary>The revisions the SDK speaks (ModelContextProtocol.Core 2.3.1).</summary>
    public static readonly IReadOnlySet<string> SupportedProtocolVersions =
        new HashSet<string>(StringComparer.Ordinal) { "2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28" };

    public static IEndpointRouteBuilder MapHubMcp(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods(Path, [HttpMethods.Post, HttpMethods.Get, HttpMethods.Delete, HttpMethods.Put, HttpMethods.Patch], HandleAsync)
            .WithName("Mcp").ExcludeFromDescription();
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext context, McpCatalog catalog, TokenService tokens, ILoggerFactory loggers)
    {
        var options = catalog.Options;
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !options.AllowedOrigins.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase))
        {
            await ErrorAsync(context, StatusCodes.Status403Forbidden, $"Forbidden: origin '{origin}' is not allowed (Hub:Mcp:AllowedOrigins).");
            return;
        }
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.Headers.Allow = "POST";
            await ErrorAsync(context, StatusCodes.Status405MethodNotAllowed,
                "Method Not Allowed: this stateless endpoint takes POST only (no server-initiated stream, no sessions).");
            return;
        }
        var caller = await AuthenticateAsync(context, tokens, options);
        if (caller is null)
        {
            return;
        }
        var version = context.Request.Headers[ProtocolVersionHeader].ToString();
        if (version.Length > 0 && !SupportedProtocolVersions.Contains(version))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest,
                $"Bad Request: MCP-Protocol-Version '{version}' is not supported; supported: {string.Join(", ", SupportedProtocolVersions)}.");
            return;
        }
        var accept = context.Request.GetTypedHeaders().Accept;
        if (!accept.Any(a => a.MatchesMediaType("application/json")) || !accept.Any(a => a.MatchesMediaType("text/event-stream")))
        {
            await ErrorAsync(context, StatusCodes.Status406NotAcceptable,
                "Not Acceptable: the client must accept both application/json and text/event-stream.");
            return;
        }
        var message = await ReadMessageAsync(context, options.MaxRequestBytes);
        if (message is null)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "Bad Request: the body must be one JSON-RPC message.");
            return;
        }

        await using var transport = new StreamableHttpServerTransport(loggers) { Stateless = true };
        await using var server = McpServer.Create(transport, catalog.CreateServerOptions(caller), loggers, context.RequestServices);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var run = server.RunAsync(stop.Token);
        try
        {
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache,no-store";
            context.Response.Headers["X-Accel-Buffering"] = "no";
            context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
            if (!await transport.HandlePostRequestAsync(message, context.Response.Body, context.RequestAborted))
            {
                context.Response.Headers.ContentType = (string?)null;
                context.Response.StatusCode = StatusCodes.Status202Accepted;
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await run;
            }
            catch (OperationCanceledException)
            {
                // The server's loop ends with the request.
            }
        }
    }

    private static async Task<McpCaller?> AuthenticateAsync(HttpContext context, TokenService tokens, McpOptions options)
    {
        string header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"hub\"";
            await ErrorAsync(context, StatusCodes.Status401Unauthorized,
                "Unauthorized: send a Hub API token as 'Authorization: Bearer <token>' (create one with `hub token create`).");
            return null;
        }
        var token = await tokens.ValidateAsync(header["Bearer ".Length..].Trim(), context.RequestAborted);
        if (token is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"hub\", error=\"invalid_token\", error_description=\"The token is unknown or revoked.\"";
            await ErrorAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized: the token is unknown or revoked.");
            return null;
        }
        return McpCaller.ForToken(token, options.UserTokensReadOnly);
    }

    private static async Task<JsonRpcMessage?> ReadMessageAsync(HttpContext context, int maxBytes)
    {
        if (context.Request.ContentLength > maxBytes)
        {
            return null;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, MessageType, context.RequestAborted);
        }
        catch (Exception ex) when (ex is JsonException or BadHttpRequestException or NotSupportedException)
        {
            return null;
        }
    }

    private static Task ErrorAsync(HttpContext context, int status, string message) =>
        Results.Json(new JsonRpcError { Error = new JsonRpcErrorDetail { Code = -32000, Message = message } }, ErrorType, statusCode: status)
            .ExecuteAsync(context);
}
