using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Domain;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Hub.Mcp;

/// <summary>
/// What the SDK does not do for us. It reports any exception out of a tool call — a refused argument, a tool the
/// caller may not use — as a server failure, logged at error level with its stack trace. Client mistakes are answered
/// here instead, before the SDK's tool pipeline runs, and logged at debug without a stack trace.
/// </summary>
public static class McpGuards
{
    /// <summary>
    /// A tools/call for a tool that does not exist or that the caller may not use is "Unknown tool" (a hidden tool looks
    /// like no tool at all), and a string argument holding U+0000 — which no text column can store — is an
    /// invalid-params error naming the argument. Both are JSON-RPC errors (-32602), as the SDK would answer them.
    /// </summary>
    public static McpMessageFilter RefuseUnusableCalls => next => async (context, cancellationToken) =>
    {
        if (context.JsonRpcMessage is JsonRpcRequest { Method: RequestMethods.ToolsCall, Params: JsonObject call })
        {
            var name = call["name"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? call["name"]!.GetValue<string>() : "";
            if (!await MayCallAsync(context, name).ConfigureAwait(false))
            {
                throw Refuse(context, $"Unknown tool: '{name}'", "unknown tool {Tool}", name);
            }
            if (call["arguments"] is JsonObject args && args.FirstOrDefault(a => ContainsNul(a.Value)) is { Key: { } bad })
            {
                throw Refuse(context, $"Invalid '{bad}': text must not contain the NUL character (U+0000).", "U+0000 in argument {Argument}", bad);
            }
        }
        await next(context, cancellationToken).ConfigureAwait(false);
    };

    /// <summary>
    /// Client mistakes and Hub's errors as tool errors the model reads (no stack trace in the log): arguments the tool's
    /// input schema refuses (<see cref="ToolArguments"/>), any the SDK still fails to bind, Hub's domain errors and our
    /// own <see cref="McpException"/>s.
    /// </summary>
    public static McpRequestFilter<CallToolRequestParams, CallToolResult> ReportHubErrors => next => async (context, cancellationToken) =>
    {
        var tool = context.MatchedPrimitive as McpServerTool;
        if (tool is not null && ToolArguments.Problem(tool.ProtocolTool.InputSchema, context.Params?.Arguments) is { } problem)
        {
            return Error(context, new McpException(problem));
        }
        try
        {
            return await next(context, cancellationToken).ConfigureAwait(false);
        }
        catch (HubException ex)
        {
            return Error(context, HubErrors.ToMcp(ex));
        }
        catch (McpException ex) when (ex is not McpProtocolException)
        {
            return Error(context, ex);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException && !ThrownByHub(ex))
        {
            // Binding the arguments to the method's parameters (the SDK's serializer) failed in a way the schema
            // check above did not foresee; a tool's own ArgumentException or JsonException is a bug and stays one.
            return Error(context, new McpException($"Invalid arguments for '{context.Params?.Name}': {ex.Message}", ex));
        }
    };

    /// <summary>Whether a frame of Hub's code (other than these filters) threw or passed on <paramref name="ex"/>.</summary>
    private static bool ThrownByHub(Exception ex) =>
        new System.Diagnostics.StackTrace(ex).GetFrames().Any(f => f.GetMethod()?.DeclaringType is { } type
            && (type.Namespace ?? "").StartsWith("Hub.", StringComparison.Ordinal)
            && !IsOrIsNestedIn(type, typeof(McpGuards)));

    private static bool IsOrIsNestedIn(Type type, Type outer)
    {
        for (var t = type; t is not null; t = t.DeclaringType)
        {
            if (t == outer)
            {
                return true;
            }
        }
        return false;
    }

    private static CallToolResult Error(RequestContext<CallToolRequestParams> context, McpException ex)
    {
        Logger(context.Server).LogDebug("Tool {Tool} refused: {Message}", context.Params?.Name, ex.Message);
        return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = ex.Message }] };
    }

    private static async Task<bool> MayCallAsync(MessageContext context, string name) =>
        context.Server.ServerOptions.ToolCollection is { } tools && tools.TryGetPrimitive(name, out var tool)
        && await MayUseAsync(context, tool).ConfigureAwait(false);

    /// <summary>
    /// Whether the caller may use <paramref name="tool"/>: the same attributes the SDK's authorization filters read, so
    /// refusing here only spares the log (and <see cref="ToolListCache"/> keys its lists by it); it decides the same.
    /// <paramref name="decided"/>, when given, remembers each outcome by the tool's attributes for one caller, so a list
    /// of 60 tools under three kinds of <c>[Authorize]</c> asks the authorization service three times, not 60.
    /// </summary>
    public static async Task<bool> MayUseAsync(MessageContext context, McpServerTool tool, Dictionary<string, bool>? decided = null)
    {
        var services = context.Server.Services ?? throw new InvalidOperationException("The MCP server has no services.");
        var rule = await RuleAsync(services, tool).ConfigureAwait(false);
        if (rule.Policy is null)
        {
            return true;
        }
        if (decided is not null && decided.TryGetValue(rule.Signature, out var known))
        {
            return known;
        }
        var allowed = (await services.GetRequiredService<IAuthorizationService>()
            .AuthorizeAsync(context.User ?? new(), context, rule.Policy).ConfigureAwait(false)).Succeeded;
        decided?.Add(rule.Signature, allowed);
        return allowed;
    }

    /// <summary>A tool's combined policy (null: anyone), built once per tool: the attributes and the policies they name are fixed at startup.</summary>
    private sealed record Rule(AuthorizationPolicy? Policy, string Signature);

    private static readonly ConditionalWeakTable<McpServerTool, Rule> Rules = new();

    private static async ValueTask<Rule> RuleAsync(IServiceProvider services, McpServerTool tool)
    {
        if (Rules.TryGetValue(tool, out var rule))
        {
            return rule;
        }
        var data = tool.Metadata.OfType<IAuthorizeData>().ToList();
        var policy = tool.Metadata.OfType<IAllowAnonymous>().Any() ? null
            : await AuthorizationPolicy.CombineAsync(services.GetRequiredService<IAuthorizationPolicyProvider>(), data).ConfigureAwait(false);
        rule = new Rule(policy, string.Join('\n', data.Select(d => $"{d.Policy}|{d.Roles}|{d.AuthenticationSchemes}")));
        return Rules.GetValue(tool, _ => rule);
    }

    private static bool ContainsNul(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>().Contains('\0'),
        JsonArray a => a.Any(ContainsNul),
        JsonObject o => o.Any(p => ContainsNul(p.Value)),
        _ => false,
    };

    private static McpProtocolException Refuse(MessageContext context, string message, string logTemplate, string what)
    {
        Logger(context.Server).LogDebug("Client error on tools/call: " + logTemplate, what);
        return new McpProtocolException(message, McpErrorCode.InvalidParams);
    }

    private static ILogger Logger(McpServer server) =>
        server.Services?.GetService<ILoggerFactory>()?.CreateLogger(typeof(McpGuards)) ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
}
