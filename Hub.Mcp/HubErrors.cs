using Hub.Domain;
using Hub.Domain.Imports;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Hub.Mcp;

/// <summary>
/// Turns Hub's domain errors into <see cref="McpException"/>s, whose message the model sees (the SDK hides the message of
/// any other exception behind a generic one). The message names the error type so a model can react to it.
/// </summary>
public static class HubErrors
{
    public static McpException ToMcp(HubException ex) => ex switch
    {
        HubValidationException v => new McpException($"Invalid '{v.Field}': {v.Message}", ex),
        HubNotFoundException => new McpException($"Not found: {ex.Message}", ex),
        ImportFailedException f => new McpException(
            $"Import failed ({f.Type}{(f.Transient ? ", temporary: trying again later may work" : "")}): {f.Message}", ex),
        _ => new McpException($"Refused ({ex.Type}): {ex.Message}", ex),
    };

    public static async ValueTask<T> Map<T>(Func<ValueTask<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (HubException ex)
        {
            throw ToMcp(ex);
        }
    }
}

/// <summary>A tool that reports Hub's domain errors to the model as <see cref="McpException"/>s.</summary>
internal sealed class HubErrorMappingTool(McpServerTool inner) : DelegatingMcpServerTool(inner)
{
    public override ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default) =>
        HubErrors.Map(() => base.InvokeAsync(request, cancellationToken));
}
