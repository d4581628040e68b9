using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace Hub.Mcp.Tools;

/// <summary>
/// A tool result as the SDK writes typed results (the JSON as text, and as structured content matching the tool's
/// output schema), plus a resource link to each entry it names, which a client can read as <c>hub://entries/{id}</c>.
/// Tools that name no entry return their typed view and let the SDK do this.
/// </summary>
internal static class ToolResults
{
    public static CallToolResult WithEntryLinks<T>(T view, IEnumerable<Guid?> entryIds)
    {
        var json = JsonSerializer.SerializeToElement(view, McpJson.Options);
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = json.GetRawText() }, .. entryIds.OfType<Guid>().Distinct().Select(EntryLink)],
            StructuredContent = json,
        };
    }

    public static CallToolResult WithEntryLinks<T>(T view, params Guid?[] entryIds) => WithEntryLinks(view, entryIds.AsEnumerable());

    /// <summary>Named by id only: an entry's title came from a remote page and stays inside untrusted_remote_text.</summary>
    public static ResourceLinkBlock EntryLink(Guid id) => new()
    {
        Uri = EntryUri(id),
        Name = "entry-" + id.ToString("N"),
        Description = "The library entry as JSON (as get_entry).",
        MimeType = "application/json",
    };

    public static string EntryUri(Guid id) => $"hub://entries/{id}";
}
