using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Hub.Mcp.Tests.Hosting;

/// <summary>
/// <c>Hub:Mcp:HttpSessions=stateful</c> (not the default): sessions belong to the token that opened them, a token holds
/// at most <c>MaxSessionsPerToken</c>, and an idle session is closed after <c>SessionIdleTimeout</c>.
/// </summary>
public sealed class StatefulSessionTests(StatefulSessionTests.Fixture hub) : IClassFixture<StatefulSessionTests.Fixture>
{
    public sealed class Fixture : ServeFixture
    {
        protected override IDictionary<string, string?> ExtraEnv => new Dictionary<string, string?>
        {
            ["Hub__Mcp__HttpSessions"] = "stateful",
            ["Hub__Mcp__MaxSessionsPerToken"] = "2",
            ["Hub__Mcp__SessionIdleTimeout"] = "00:00:03",
        };
    }

    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";
    private const string ToolsList = """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""";

    [Fact]
    public async Task Sessions_AreCappedPerToken_BoundToTheirToken_AndClosedWhenIdle()
    {
        using var http = new HttpClient();
        var first = await OpenAsync(http, hub.UserToken);
        var second = await OpenAsync(http, hub.UserToken);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Post(ToolsList, hub.UserToken, first))).StatusCode);

        var third = await http.SendAsync(Post(Initialize, hub.UserToken));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("MaxSessionsPerToken", await third.Content.ReadAsStringAsync());
        Assert.False(third.Headers.Contains("Mcp-Session-Id"));
        await OpenAsync(http, hub.AdminToken); // the cap is per token

        // Another token cannot ride the user's session.
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(Post(ToolsList, hub.AdminToken, second))).StatusCode);

        // Idle past the timeout (3 s; the SDK prunes every 5 s): the sessions are gone, and the token may open new ones.
        // Each look is a request that would keep a live session alive, so looks are further apart than timeout + pruning.
        var status = HttpStatusCode.OK;
        for (var i = 0; i < 8 && status != HttpStatusCode.NotFound; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(9));
            status = (await http.SendAsync(Post(ToolsList, hub.UserToken, second))).StatusCode;
        }
        Assert.Equal(HttpStatusCode.NotFound, status);
        await OpenAsync(http, hub.UserToken);
        await OpenAsync(http, hub.UserToken);
    }

    private async Task<string> OpenAsync(HttpClient http, string token)
    {
        var response = await http.SendAsync(Post(Initialize, token));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response.Headers.GetValues("Mcp-Session-Id").Single();
    }

    private HttpRequestMessage Post(string json, string token, string? session = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, hub.McpUri) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (session is not null)
        {
            request.Headers.Add("Mcp-Session-Id", session);
            request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        }
        return request;
    }
}
