using System.Text.Json;

namespace Hub.Mcp.Tests.Tools;

/// <summary>What each kind of caller is offered: every tool described, and only the tools its role allows.</summary>
public sealed class CatalogTests(McpFixture hub) : IClassFixture<McpFixture>
{
    private static readonly string[] ReadTools =
    [
        "search_library", "get_entry", "list_recent_entries", "get_stream_link", "probe_url", "search_sources", "get_job", "list_jobs",
        "list_libraries", "list_playlists", "get_playlist", "get_stats",
    ];
    private static readonly string[] WriteTools = ["import_url", "cancel_job", "create_playlist", "add_to_playlist"];
    private static readonly string[] AdminTools = ["list_inbox", "approve_inbox_item", "reject_inbox_item", "delete_entry"];

    [Fact]
    public async Task ToolsList_ForAdmin_HasEveryToolWithDescriptionsOfToolAndParameters()
    {
        await using var c = await hub.ConnectAsync(McpFixture.Admin);
        var tools = await c.Client.ListToolsAsync();

        Assert.Equal(ReadTools.Concat(WriteTools).Concat(AdminTools).Order(), tools.Select(t => t.Name).Order());
        foreach (var t in tools)
        {
            Assert.True(t.Description is { Length: > 40 }, $"{t.Name} needs a precise description");
            Assert.Matches("^[a-z_]+$", t.Name);
            if (t.JsonSchema.TryGetProperty("properties", out var props))
            {
                foreach (var p in props.EnumerateObject())
                {
                    Assert.True(p.Value.TryGetProperty("description", out var d) && d.GetString()!.Length > 5, $"{t.Name}.{p.Name} needs a description");
                    Assert.Matches("^[a-z_]+$", p.Name);
                }
            }
        }
        Assert.True(tools.Single(t => t.Name == "reject_inbox_item").ProtocolTool.Annotations?.DestructiveHint);
        Assert.True(tools.Single(t => t.Name == "get_job").ProtocolTool.Annotations?.ReadOnlyHint);
    }

    [Fact]
    public async Task ToolsList_ForUser_HasNoAdminTools_AndForReader_NoWriteTools()
    {
        await using var user = await hub.ConnectAsync(McpFixture.User());
        var userTools = (await user.Client.ListToolsAsync()).Select(t => t.Name).ToList();
        Assert.Equal(ReadTools.Concat(WriteTools).Order(), userTools.Order());

        await using var reader = await hub.ConnectAsync(McpFixture.Reader);
        var readerTools = (await reader.Client.ListToolsAsync()).Select(t => t.Name).ToList();
        Assert.Equal(ReadTools.Order(), readerTools.Order());
    }

    [Fact]
    public async Task AdminTool_CalledByUser_IsRefused()
    {
        await using var c = await hub.ConnectAsync(McpFixture.User());
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => c.Client.CallToolAsync("list_inbox").AsTask());
        Assert.Contains("list_inbox", ex.Message);
    }

    [Fact]
    public async Task WriteTool_CalledByReader_IsRefused_AndCreatesNoJob()
    {
        await using var c = await hub.ConnectAsync(McpFixture.Reader);
        var url = hub.Site.Url("nothing.mp4").AbsoluteUri;
        await Assert.ThrowsAnyAsync<Exception>(() => c.Client.CallToolAsync("import_url", new Dictionary<string, object?> { ["url"] = url }).AsTask());
        await using var db = hub.CreateDb();
        Assert.Empty(db.Jobs.Where(j => j.Source == url)); // (the housekeeping job of the maintenance queue is always there)
    }

    [Fact]
    public async Task Prompts_AreListed_AndKeepRemoteTextOut()
    {
        await using var c = await hub.ConnectAsync(McpFixture.User());
        var prompts = await c.Client.ListPromptsAsync();
        Assert.Contains(prompts, p => p.Name == "summarize_recent_imports");
        var prompt = await c.Client.GetPromptAsync("summarize_recent_imports", new Dictionary<string, object?> { ["days"] = 3 });
        var text = JsonSerializer.Serialize(prompt.Messages);
        Assert.Contains("last 3 days", text);
        Assert.Contains("untrusted_remote_text", text);
    }
}
