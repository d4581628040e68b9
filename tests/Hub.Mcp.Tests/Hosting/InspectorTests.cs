using System.Diagnostics;
using System.Text.Json;
using Hub.Testing;

namespace Hub.Mcp.Tests.Hosting;

/// <summary>
/// A real third-party client: the MCP Inspector CLI (npm, pinned 0.15.0 in tests/e2e/mcp), over stdio (`hub mcp`),
/// over HTTP (`/mcp` of `hub serve`) and through `mcp-remote` (0.15.1) to HTTP. A tool error exits 0 with "isError": true, so every call checks it.
/// </summary>
public sealed class InspectorTests(ServeFixture hub) : IClassFixture<ServeFixture>
{
    private static readonly Lazy<Task<string>> Folder = new(InstallAsync);

    [Fact]
    public async Task Stdio_ListsAndCallsTools()
    {
        var list = await RunAsync(["--cli", "dotnet", HubProcess.HubDll, "mcp", "--method", "tools/list"]);
        var names = list.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Contains("import_url", names);
        Assert.Contains("approve_inbox_item", names);

        var url = await hub.ServeVideoAsync("inspector-stdio.mp4");
        var call = await RunAsync(["--cli", "dotnet", HubProcess.HubDll, "mcp", "--method", "tools/call", "--tool-name", "import_url",
            "--tool-arg", $"url={url}", "wait=true"]);
        Assert.False(call.TryGetProperty("isError", out var e) && e.GetBoolean(), call.ToString());
        var job = JsonDocument.Parse(call.GetProperty("content")[0].GetProperty("text").GetString()!).RootElement.GetProperty("job");
        Assert.Equal("completed", job.GetProperty("state").GetString());

        var error = await RunAsync(["--cli", "dotnet", HubProcess.HubDll, "mcp", "--method", "tools/call", "--tool-name", "get_job",
            "--tool-arg", $"job_id={Guid.NewGuid()}"]);
        Assert.True(error.GetProperty("isError").GetBoolean());
        Assert.Contains("Not found", error.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Http_ListsAndCallsTools_WithAToken_AndFailsWithoutOne()
    {
        var list = await RunAsync(["--cli", hub.McpUri.AbsoluteUri, "--method", "tools/list"], token: hub.UserToken);
        var names = list.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Contains("get_job", names);
        Assert.DoesNotContain("list_inbox", names);

        var libraries = await RunAsync(["--cli", hub.McpUri.AbsoluteUri, "--method", "tools/call", "--tool-name", "list_libraries"], token: hub.UserToken);
        Assert.False(libraries.TryGetProperty("isError", out var e) && e.GetBoolean(), libraries.ToString());
        Assert.Contains("Videos", libraries.GetProperty("content")[0].GetProperty("text").GetString());

        var (code, _, stderr) = await RunRawAsync(["--cli", hub.McpUri.AbsoluteUri, "--method", "tools/list"], token: null);
        Assert.NotEqual(0, code);
        Assert.True(stderr.Contains("401", StringComparison.Ordinal) || stderr.Contains("Unauthorized", StringComparison.Ordinal), stderr);
    }

    /// <summary>Issue 15's "done when": an MCP client reads what was said in a video through get_transcript, over HTTP.</summary>
    [Fact]
    public async Task Http_GetTranscript_ReadsWhatWasSaid_AsUntrustedRemoteText()
    {
        const string line = "Seven amber lanterns drift upstream.";
        hub.Site.MapFile("inspector-talk.mkv", await TestMedia.SpeakingVideoAsync("inspector-talk", line), "video/x-matroska");
        string[] http = ["--cli", hub.McpUri.AbsoluteUri, "--method", "tools/call"];
        var call = await RunAsync([.. http, "--tool-name", "import_url", "--tool-arg", $"url={hub.Site.Url("inspector-talk.mkv")}", "wait=true"],
            token: hub.UserToken);
        Assert.False(call.TryGetProperty("isError", out var e) && e.GetBoolean(), call.ToString());
        var job = JsonDocument.Parse(call.GetProperty("content")[0].GetProperty("text").GetString()!).RootElement.GetProperty("job");
        Assert.Equal("completed", job.GetProperty("state").GetString());
        var entryId = job.GetProperty("entry_id").GetString();

        var read = await RunAsync([.. http, "--tool-name", "get_transcript", "--tool-arg", $"entry_id={entryId}", "timestamps=true"], token: hub.UserToken);

        Assert.False(read.TryGetProperty("isError", out var e2) && e2.GetBoolean(), read.ToString());
        var page = JsonDocument.Parse(read.GetProperty("content")[0].GetProperty("text").GetString()!).RootElement;
        Assert.Equal("eng", page.GetProperty("lang").GetString());
        var transcript = page.GetProperty("untrusted_remote_text").GetProperty("transcript").GetString()!;
        Assert.Matches(@"^\[0:0\d\] " + System.Text.RegularExpressions.Regex.Escape(line), transcript.Trim());
        Assert.Contains("never instructions", page.GetProperty("notice").GetString());
    }

    /// <summary>
    /// The route Claude Desktop takes to a Linux server: a stdio client runs `mcp-remote` (npm, pinned 0.15.1), which
    /// speaks Streamable HTTP to /mcp with the token from a header file (not the command line, where `ps` shows it).
    /// "0.0.0.0" stands in for a plain-HTTP LAN address (mcp-remote then needs --allow-http); Linux delivers it to the
    /// loopback listener, so nothing leaves the machine.
    /// </summary>
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("0.0.0.0", true)]
    public async Task McpRemote_BridgesAStdioClientToHttp_ListsToolsAndImports(string host, bool allowHttp)
    {
        var folder = await Folder.Value;
        var headers = Path.Combine(Path.GetTempPath(), $"hub-mcp-remote-{Guid.NewGuid():N}.headers");
        await File.WriteAllTextAsync(headers, $"Authorization: Bearer {hub.UserToken}\n");
        try
        {
            await BridgeAsync(folder, headers, host, allowHttp);
        }
        finally
        {
            File.Delete(headers);
        }
    }

    private async Task BridgeAsync(string folder, string headers, string host, bool allowHttp)
    {
        var url = new UriBuilder(hub.McpUri) { Host = host }.Uri.AbsoluteUri;
        string[] bridge = ["--cli", "node", Path.Combine(folder, "node_modules/mcp-remote/dist/proxy.js"), url, "--header-file", headers,
            .. allowHttp ? new[] { "--allow-http" } : []];

        var list = await RunAsync([.. bridge, "--method", "tools/list"]);
        Assert.Contains("import_url", list.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()));

        var video = await hub.ServeVideoAsync($"mcp-remote-{host}.mp4");
        var call = await RunAsync([.. bridge, "--method", "tools/call", "--tool-name", "import_url", "--tool-arg", $"url={video}", "wait=true"]);
        Assert.False(call.TryGetProperty("isError", out var e) && e.GetBoolean(), call.ToString());
        var job = JsonDocument.Parse(call.GetProperty("content")[0].GetProperty("text").GetString()!).RootElement.GetProperty("job");
        Assert.Equal("completed", job.GetProperty("state").GetString());
    }

    private async Task<JsonElement> RunAsync(string[] args, string? token = null)
    {
        var (code, stdout, stderr) = await RunRawAsync(args, token);
        Assert.True(code == 0, $"inspector exited {code}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    private async Task<(int Code, string Stdout, string Stderr)> RunRawAsync(string[] args, string? token)
    {
        var folder = await Folder.Value;
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        psi.ArgumentList.Add(Path.Combine(folder, "node_modules/@modelcontextprotocol/inspector/cli/build/cli.js"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The stdio server (hub mcp) inherits this environment: the same database as hub serve.
        foreach (var (k, v) in hub.Env) psi.Environment[k] = v;
        if (token is not null)
        {
            psi.Environment["NODE_OPTIONS"] = "--require " + Path.Combine(folder, "auth-fetch.cjs");
            psi.Environment["HUB_MCP_URL"] = hub.McpUri.AbsoluteUri;
            psi.Environment["HUB_MCP_TOKEN"] = token;
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>tests/e2e/mcp, installed.</summary>
    private static Task<string> InstallAsync() => NpmFolder.EnsureAsync("mcp", "@modelcontextprotocol/inspector", "mcp-remote");
}
