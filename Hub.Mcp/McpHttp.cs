using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hub.Mcp;

/// <summary>
/// <c>/mcp</c>: the SDK's Streamable HTTP endpoint (<c>MapMcp</c>) behind Hub's bearer tokens. The SDK checks the
/// transport rules (Accept 406, MCP-Protocol-Version 400, JSON-RPC body 400, notifications 202; GET and DELETE 405 when
/// stateless). It lacks what we keep here: the browser <c>Origin</c> (403, against DNS rebinding), a cap on the request
/// body (413), and in stateful mode a cap on sessions per token (429, <see cref="McpSessionCap"/>).
/// </summary>
public static class McpHttp
{
    public const string Path = "/mcp";

    /// <summary>Hub.Web's bearer-token scheme (Hub.Mcp does not reference Hub.Web; the name is the contract).</summary>
    public const string BearerScheme = "Bearer";

    public static IEndpointConventionBuilder MapHubMcp(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapMcp(Path)
            .RequireAuthorization(p => p.AddAuthenticationSchemes(BearerScheme).RequireAuthenticatedUser())
            .AddEndpointFilter(async (context, next) =>
            {
                var http = context.HttpContext;
                var options = http.RequestServices.GetRequiredService<IOptions<McpOptions>>().Value;
                var origin = http.Request.Headers.Origin.ToString();
                if (origin.Length > 0 && !options.AllowedOrigins.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase))
                {
                    return Error(StatusCodes.Status403Forbidden, $"Forbidden: origin '{origin}' is not allowed (Hub:Mcp:AllowedOrigins).");
                }
                if (http.Request.ContentLength > options.MaxRequestBytes)
                {
                    return TooLarge(options);
                }
                if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                {
                    limit.MaxRequestBodySize = options.MaxRequestBytes;
                }
                try
                {
                    return await next(context).ConfigureAwait(false);
                }
                catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !http.Response.HasStarted)
                {
                    return TooLarge(options); // a chunked body that grew past the cap while the SDK read it
                }
                catch (TooManySessionsException ex) when (!http.Response.HasStarted)
                {
                    http.Response.Headers.Remove("Mcp-Session-Id"); // set by the SDK before it asked us; no session exists
                    return Error(StatusCodes.Status429TooManyRequests, ex.Message);
                }
            })
            .ExcludeFromDescription();

    private static IResult TooLarge(McpOptions options) =>
        Error(StatusCodes.Status413PayloadTooLarge, $"Content Too Large: the body exceeds Hub:Mcp:MaxRequestBytes ({options.MaxRequestBytes} bytes).");

    /// <summary>The SDK's own refusals are JSON-RPC errors without an id; ours look the same.</summary>
    private static IResult Error(int status, string message) =>
        Results.Json(new { jsonrpc = "2.0", error = new { code = -32000, message } }, statusCode: status);
}
