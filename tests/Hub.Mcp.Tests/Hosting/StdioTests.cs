using Hub.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;

namespace Hub.Mcp.Tests.Hosting;

/// <summary><c>hub mcp</c> as a child process on stdio, driven by the SDK client, on the same database as a running <c>hub serve</c>.</summary>
public sealed class StdioTests(ServeFixture hub) : IClassFixture<ServeFixture>
{
    [Fact]
    public async Task HubMcp_ListsTools_AndImportsWithWait_AsTheLocalAdmin()
    {
        var url = await hub.ServeVideoAsync("stdio.mp4");
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "hub",
            Command = "dotnet",
            Arguments = [HubProcess.HubDll, "mcp"],
            EnvironmentVariables = hub.Env,
            WorkingDirectory = AppContext.BaseDirectory,
        }, NullLoggerFactory.Instance);
        await using var client = await McpClient.CreateAsync(transport, loggerFactory: NullLoggerFactory.Instance);

        var tools = (await client.ListToolsAsync()).Select(t => t.Name).ToList();
        Assert.Contains("list_inbox", tools); // stdio acts as the local admin by default

        var done = await client.OkAsync("import_url", new { url = url.AbsoluteUri, wait = true, wait_seconds = 120 });
        var job = done.GetProperty("job");
        Assert.Equal("completed", job.GetProperty("state").GetString());
        Assert.Equal("mcp", job.GetProperty("door").GetString());

        // The HTTP door on the same database sees the job stdio started.
        await using var http = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = hub.McpUri,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + hub.AdminToken },
        }, NullLoggerFactory.Instance), loggerFactory: NullLoggerFactory.Instance);
        var seen = await http.OkAsync("get_job", new { job_id = job.GetProperty("id").GetGuid() });
        Assert.Equal("completed", seen.GetProperty("state").GetString());
    }
}
