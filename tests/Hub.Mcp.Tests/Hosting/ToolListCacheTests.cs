using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Hub.Mcp.Tests.Hosting;

/// <summary>
/// tools/list is replayed from <see cref="ToolListCache"/> after the SDK's first answer: every later answer must be the
/// SDK's answer byte for byte, for each role and protocol version, however the requests interleave.
/// </summary>
public sealed class ToolListCacheTests(ServeFixture hub) : IClassFixture<ServeFixture>
{
    [Theory]
    [InlineData("2025-06-18")]
    [InlineData("2025-11-25")]
    public async Task EachRoleGetsItsOwnList_TheSameEveryTime(string protocolVersion)
    {
        var answers = new List<(string Role, string Body)>();
        foreach (var (role, token) in new[] { ("user", hub.UserToken), ("admin", hub.AdminToken), ("user", hub.UserToken), ("admin", hub.AdminToken), ("user", hub.UserToken) })
        {
            answers.Add((role, await ListAsync(token, protocolVersion, id: answers.Count + 1)));
        }

        var user = answers.Where(a => a.Role == "user").Select(a => a.Body).Distinct().ToList();
        var admin = answers.Where(a => a.Role == "admin").Select(a => a.Body).Distinct().ToList();
        Assert.Single(user);
        Assert.Single(admin);
        var userTools = Names(user[0]);
        var adminTools = Names(admin[0]);
        Assert.Contains("import_url", userTools);
        Assert.DoesNotContain("approve_inbox_item", userTools);
        Assert.Contains("approve_inbox_item", adminTools);
        Assert.Superset(userTools.ToHashSet(), adminTools.ToHashSet());
    }

    [Fact]
    public async Task TheAnswerCarriesTheRequestsId()
    {
        await ListAsync(hub.AdminToken, "2025-06-18", id: 1);
        using var doc = JsonDocument.Parse(await ListAsync(hub.AdminToken, "2025-06-18", id: 4242));
        Assert.Equal(4242, doc.RootElement.GetProperty("id").GetInt32());
        Assert.True(doc.RootElement.GetProperty("result").GetProperty("tools").GetArrayLength() > 10);
    }

    /// <summary>The JSON-RPC answer with its id replaced by 0, so answers to different requests compare.</summary>
    private async Task<string> ListAsync(string token, string protocolVersion, int id)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, hub.McpUri)
        {
            Content = new StringContent($$"""{"jsonrpc":"2.0","id":{{id}},"method":"tools/list"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", protocolVersion);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var data = text.Split('\n').Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
        Assert.Contains($"\"id\":{id}", data);
        return id == 4242 ? data : data.Replace($"\"id\":{id}", "\"id\":0");
    }

    private static List<string> Names(string body)
    {
        using var doc = JsonDocument.Parse(body);
        Assert.False(doc.RootElement.TryGetProperty("error", out _), body);
        return doc.RootElement.GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToList();
    }
}
