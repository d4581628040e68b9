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
}

/// <summary>
/// A tool that reports the errors a model should see (<see cref="McpException"/>s thrown by our tools, and Hub's
/// domain errors mapped by <see cref="HubErrors.ToMcp"/>) as an error result carrying the message. Caught here rather
/// than by the SDK, which would log every refused argument as a server failure with its stack trace.
/// </summary>
internal sealed class HubErrorMappingTool(McpServerTool inner) : DelegatingMcpServerTool(inner)
{
    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.InvokeAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HubException ex)
        {
            return Error(HubErrors.ToMcp(ex));
        }
        catch (McpException ex) when (ex is not McpProtocolException)
        {
            return Error(ex);
        }
    }

    private static CallToolResult Error(McpException ex) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = ex.Message }],
    };
}
