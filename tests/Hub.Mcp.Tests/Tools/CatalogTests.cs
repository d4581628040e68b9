using System.Text.Json;
using Hub.Domain.Access;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;

namespace Hub.Mcp.Tests.Tools;

/// <summary>What each kind of caller is offered: every tool described, and only the tools its role allows.</summary>
public sealed class CatalogTests(McpFixture hub) : IClassFixture<McpFixture>
{
    public static readonly string[] ReadTools =
    [
        "search_library", "get_entry", "list_recent_entries", "get_stream_link", "probe_url", "search_sources", "get_job", "list_jobs",
        "list_libraries", "list_playlists", "get_playlist", "get_stats", "get_transcript", "list_subscriptions",
    ];
    public static readonly string[] WriteTools =
    [
        "import_url", "cancel_job", "delete_entry", "create_playlist", "add_to_playlist", "rename_playlist", "delete_playlist", "move_playlist_item", "remove_from_playlist",
        "subscribe", "unsubscribe",
    ];
    private static readonly string[] AdminTools = ["list_inbox", "approve_inbox_item", "reject_inbox_item", "scan_library", "list_unmatched", "resolve_unmatched"];

    [Fact]
    public async Task ToolsList_ForAdmin_HasEveryToolWithDescriptionsOfToolAndParameters_AndAnOutputSchema()
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
            Assert.True(t.ProtocolTool.OutputSchema is { } schema && schema.GetProperty("type").GetString() == "object", $"{t.Name} needs an object output schema");
        }
        Assert.True(tools.Single(t => t.Name == "reject_inbox_item").ProtocolTool.Annotations?.DestructiveHint);
        Assert.True(tools.Single(t => t.Name == "get_job").ProtocolTool.Annotations?.ReadOnlyHint);
        // Output schemas use the same snake_case as the results.
        var job = tools.Single(t => t.Name == "get_job").ProtocolTool.OutputSchema!.Value.GetProperty("properties");
        Assert.True(job.TryGetProperty("entry_id", out _), job.ToString());
    }

    [Fact]
    public async Task ToolsList_ForUser_HasNoAdminTools()
    {
        await using var user = await hub.ConnectAsync(McpFixture.User());
        var userTools = (await user.Client.ListToolsAsync()).Select(t => t.Name).ToList();
        Assert.Equal(ReadTools.Concat(WriteTools).Order(), userTools.Order());
    }

    [Fact]
    public async Task AdminTool_CalledByUser_IsAnUnknownTool_LoggedAsAClientErrorWithoutAStackTrace()
    {
        await using var c = await hub.ConnectAsync(McpFixture.User("curious"));
        var ex = await Assert.ThrowsAsync<McpProtocolException>(() => c.Client.CallToolAsync("list_inbox").AsTask());
        Assert.Contains("Unknown tool: 'list_inbox'", ex.Message);
        Assert.Equal(McpErrorCode.InvalidParams, ex.ErrorCode);
        var missing = await Assert.ThrowsAsync<McpProtocolException>(() => c.Client.CallToolAsync("no_such_tool").AsTask());
        Assert.Contains("no_such_tool", missing.Message);

        var lines = hub.Logs.Lines.Where(l => l.Message.Contains("list_inbox") || l.Message.Contains("no_such_tool")).ToList();
        Assert.Contains(lines, l => l.Level == LogLevel.Debug && l.Message.Contains("unknown tool"));
        Assert.DoesNotContain(lines, l => l.Level >= LogLevel.Warning || l.Exception is not null);
    }

    [Fact]
    public async Task NulInAnArgument_IsInvalidParamsNamingIt_NotAServerError()
    {
        await using var c = await hub.ConnectAsync(McpFixture.User("nul"));
        var ex = await Assert.ThrowsAsync<McpProtocolException>(() => c.Client.CallToolAsync("search_library",
            new Dictionary<string, object?> { ["query"] = "cats\0dogs" }).AsTask());
        Assert.Equal(McpErrorCode.InvalidParams, ex.ErrorCode);
        Assert.Contains("Invalid 'query'", ex.Message);
        Assert.Contains("U+0000", ex.Message);
        Assert.DoesNotContain(hub.Logs.Lines, l => l.Message.Contains("search_library") && (l.Level >= LogLevel.Warning || l.Exception is not null));
        // The same argument without the NUL is answered.
        await c.Client.OkAsync("search_library", new { query = "cats dogs" });
    }

    [Fact]
    public async Task MissingOrMistypedArguments_AreToolErrorsNamingTheArgumentAndWhatItTakes_NotServerErrors()
    {
        await using var c = await hub.ConnectAsync(McpFixture.User("typo"));

        var notAnId = await c.Client.ErrorAsync("get_entry", new { entry_id = "nope" });
        Assert.Contains("Invalid 'entry_id'", notAnId);
        Assert.Contains("UUID", notAnId);
        Assert.Contains("\"nope\"", notAnId);
        var missing = await c.Client.ErrorAsync("get_entry", new { });
        Assert.StartsWith("Missing 'entry_id': The entry id", missing);
        Assert.Contains("Invalid 'job_id'", await c.Client.ErrorAsync("get_job", new { job_id = "xyz" }));
        var notANumber = await c.Client.ErrorAsync("list_recent_entries", new { limit = "many" });
        Assert.Contains("Invalid 'limit': expected a whole number, got \"many\"", notANumber);
        Assert.Contains("Invalid 'confirm': expected true or false", await c.Client.ErrorAsync("delete_entry",
            new { entry_id = Guid.NewGuid(), confirm = "sure" }));

        foreach (var tool in new[] { "get_entry", "get_job", "list_recent_entries", "delete_entry" })
        {
            Assert.DoesNotContain(hub.Logs.Lines, l => l.Message.Contains(tool) && (l.Level >= LogLevel.Warning || l.Exception is not null));
        }
        // Well-formed arguments reach the tool: an unknown id is "not found", a number given as text is read as one.
        Assert.Contains("Not found", await c.Client.ErrorAsync("get_entry", new { entry_id = Guid.NewGuid() }));
        await c.Client.OkAsync("list_recent_entries", new { limit = "5" });
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

/// <summary>With <c>Hub:Mcp:UserTokensReadOnly</c>, a user token is a reader: read tools only, and write tools refused.</summary>
public sealed class ReadOnlyTokenTests(ReadOnlyTokenTests.Fixture hub) : IClassFixture<ReadOnlyTokenTests.Fixture>
{
    public sealed class Fixture : McpFixture
    {
        protected override IDictionary<string, string?> McpSettings => new Dictionary<string, string?> { ["Hub:Mcp:UserTokensReadOnly"] = "true" };
    }

    [Fact]
    public async Task ToolsList_ForAReadOnlyUserToken_HasOnlyReadTools_AdminsKeepEverything()
    {
        await using var reader = await hub.ConnectAsync(McpFixture.User("reader"));
        Assert.Equal(CatalogTests.ReadTools.Order(), (await reader.Client.ListToolsAsync()).Select(t => t.Name).Order());
        await using var admin = await hub.ConnectAsync(McpFixture.Admin);
        Assert.Contains(await admin.Client.ListToolsAsync(), t => t.Name == "import_url");
        // The local user of hub mcp is not a token: user role there keeps the write tools.
        await using var local = await hub.ConnectAsync(McpPolicies.Local(Roles.User));
        Assert.Contains(await local.Client.ListToolsAsync(), t => t.Name == "import_url");
    }

    [Fact]
    public async Task WriteTool_CalledByAReadOnlyToken_IsRefused_AndCreatesNoJob()
    {
        await using var c = await hub.ConnectAsync(McpFixture.User("reader"));
        var url = hub.Site.Url("nothing.mp4").AbsoluteUri;
        await Assert.ThrowsAnyAsync<McpProtocolException>(() => c.Client.CallToolAsync("import_url", new Dictionary<string, object?> { ["url"] = url }).AsTask());
        await using var db = hub.CreateDb();
        Assert.Empty(db.Jobs.Where(j => j.Source == url));
    }
}
