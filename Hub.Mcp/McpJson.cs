using System.Text.Json;
using System.Text.Json.Serialization;
using ModelContextProtocol;

namespace Hub.Mcp;

/// <summary>
/// How tool arguments and results are written: snake_case like the tool names. Nulls are written: each result's output
/// schema lists every field as required, and clients that check structured content against it (the MCP Inspector does)
/// refuse a result with a field left out.
/// </summary>
public static class McpJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never, // the SDK's defaults leave nulls out
            WriteIndented = false,
            // Results are read by models and MCP clients, never placed in an HTML page: quotes, apostrophes, '<', '&'
            // and non-ASCII titles as themselves rather than \u0022-style escapes (shorter, and readable in a log).
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
