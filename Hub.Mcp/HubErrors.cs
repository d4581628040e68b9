using Hub.Domain;
using Hub.Domain.Imports;
using ModelContextProtocol;

namespace Hub.Mcp;

/// <summary>
/// Hub's domain errors as <see cref="McpException"/>s, whose message the model sees (the SDK hides the message of any
/// other exception behind a generic one). The message names the error type so a model can react to it.
/// </summary>
public static class HubErrors
{
    public static McpException ToMcp(HubException ex) => ex switch
    {
        HubValidationException v => new McpException($"Invalid '{v.Field}': {v.Message}", ex),
        HubNotFoundException => new McpException($"Not found: {ex.Message}", ex),
        ImportFailedException f => new McpException(
            $"Import failed ({f.Type}{(f.Transient ? ", temporary: trying again later may work" : "")}): {f.Message}", ex),
        { Type: "forbidden" } => new McpException($"Not allowed: {ex.Message}", ex),
        _ => new McpException($"Refused ({ex.Type}): {ex.Message}", ex),
    };
}
