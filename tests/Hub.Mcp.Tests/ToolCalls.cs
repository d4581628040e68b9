using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Hub.Mcp.Tests;

/// <summary>Calls a tool and reads its JSON answer, or its error text.</summary>
public static class ToolCalls
{
    public static async Task<JsonElement> OkAsync(this McpClient client, string tool, object? args = null, IProgress<ModelContextProtocol.ProgressNotificationValue>? progress = null)
    {
        var result = await client.CallToolAsync(tool, ToArgs(args), progress);
        var text = Text(result);
        Assert.False(result.IsError == true, $"{tool} failed: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<string> ErrorAsync(this McpClient client, string tool, object? args = null)
    {
        var result = await client.CallToolAsync(tool, ToArgs(args));
        Assert.True(result.IsError == true, $"{tool} should have failed but answered: {Text(result)}");
        return Text(result);
    }

    public static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private static Dictionary<string, object?> ToArgs(object? args) => args is null ? []
        : JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(args))!;
}
