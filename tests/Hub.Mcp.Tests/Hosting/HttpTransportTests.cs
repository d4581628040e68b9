using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hub.Domain.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;

namespace Hub.Mcp.Tests.Hosting;

/// <summary>Streamable HTTP at /mcp inside the real <c>hub serve</c>: the SDK's own HTTP client, then the transport rules one by one.</summary>
public sealed class HttpTransportTests(ServeFixture hub) : IClassFixture<ServeFixture>
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    private async Task<McpClient> ConnectAsync(string token) =>
        await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = hub.McpUri,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
        }, NullLoggerFactory.Instance), loggerFactory: NullLoggerFactory.Instance);

    [Fact]
    public async Task SdkClient_ImportsAUrl_AndTheJobCompletes()
    {
        var url = await hub.ServeVideoAsync("http-import.mp4");
        await using var client = await ConnectAsync(hub.UserToken);
        Assert.Equal("hub", client.ServerInfo?.Name);
        var tools = await client.ListToolsAsync();
        Assert.Contains(tools, t => t.Name == "import_url");
        Assert.DoesNotContain(tools, t => t.Name == "list_inbox"); // a user token

        var accepted = await client.OkAsync("import_url", new { url = url.AbsoluteUri });
        var id = accepted.GetProperty("job").GetProperty("id").GetGuid();
        var state = "";
        for (var i = 0; i < 600 && !JobStates.IsTerminal(state); i++)
        {
            await Task.Delay(200);
            state = (await client.OkAsync("get_job", new { job_id = id })).GetProperty("state").GetString()!;
        }
        Assert.True(state == JobStates.Completed, $"job {id} ended {state}\n{hub.ServeLog}");
    }

    [Fact]
    public async Task AdminToken_SeesTheAdminTools()
    {
        await using var client = await ConnectAsync(hub.AdminToken);
        Assert.Contains(await client.ListToolsAsync(), t => t.Name == "approve_inbox_item");
    }

    [Fact]
    public async Task NoToken_Is401_WithAChallenge_AndAWrongTokenToo()
    {
        using var http = new HttpClient();
        var none = await http.SendAsync(Post(Initialize, token: null));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.StartsWith("Bearer", none.Headers.WwwAuthenticate.ToString());

        var wrong = await http.SendAsync(Post(Initialize, token: "hub_not-a-real-token"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("invalid_token", wrong.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task ForeignOrigin_Is403_AnAllowedOneWorks()
    {
        using var http = new HttpClient();
        var evil = Post(Initialize, hub.AdminToken);
        evil.Headers.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(evil)).StatusCode);

        var allowed = Post(Initialize, hub.AdminToken);
        allowed.Headers.Add("Origin", "https://allowed.example");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(allowed)).StatusCode);
    }

    [Fact]
    public async Task AcceptWithoutEventStream_Is406()
    {
        using var http = new HttpClient();
        var request = Post(Initialize, hub.AdminToken, accept: "application/json");
        Assert.Equal(HttpStatusCode.NotAcceptable, (await http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task UnsupportedProtocolVersion_Is400_ASupportedOneIsAnswered()
    {
        using var http = new HttpClient();
        var bad = Post("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", hub.AdminToken);
        bad.Headers.Add("MCP-Protocol-Version", "1999-01-01");
        var response = await http.SendAsync(bad);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("1999-01-01", await response.Content.ReadAsStringAsync());

        var good = Post("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", hub.AdminToken);
        good.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        var ok = await http.SendAsync(good);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("get_job", await ok.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Notification_Is202_WithNoBody()
    {
        using var http = new HttpClient();
        var response = await http.SendAsync(Post("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", hub.AdminToken));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetAndDelete_Are405_BrokenJsonIs400()
    {
        using var http = new HttpClient();
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Delete })
        {
            var request = new HttpRequestMessage(method, hub.McpUri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", hub.AdminToken);
            request.Headers.Accept.ParseAdd("text/event-stream");
            var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.Contains("POST", response.Content.Headers.Allow);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(Post("{not json", hub.AdminToken))).StatusCode);
    }

    [Fact]
    public async Task ABodyPastMaxRequestBytes_Is413_DeclaredOrChunked()
    {
        using var http = new HttpClient();
        var big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"pad\":\"" + new string('x', 2 * 1024 * 1024) + "\"}}";
        var declared = await http.SendAsync(Post(big, hub.AdminToken));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Contains("MaxRequestBytes", await declared.Content.ReadAsStringAsync());

        // No Content-Length: the cap must hold while reading. Over a raw socket, because the server answers 413 and
        // closes while the body is still coming, and HttpClient then reports the broken pipe instead of the answer.
        Assert.StartsWith("HTTP/1.1 413", await SendChunkedAsync(big));
    }

    /// <summary>Sends <paramref name="body"/> chunked, stops when the server closes, and returns the status line it answered.</summary>
    private async Task<string> SendChunkedAsync(string body)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(hub.McpUri.Host, hub.McpUri.Port);
        var stream = tcp.GetStream();
        var head = $"POST {hub.McpUri.PathAndQuery} HTTP/1.1\r\nHost: {hub.McpUri.Authority}\r\nAuthorization: Bearer {hub.AdminToken}\r\n"
            + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var bytes = Encoding.UTF8.GetBytes(body);
        try
        {
            for (var pos = 0; pos < bytes.Length && tcp.Available == 0; pos += 64 * 1024)
            {
                var n = Math.Min(64 * 1024, bytes.Length - pos);
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{n:x}\r\n"));
                await stream.WriteAsync(bytes.AsMemory(pos, n));
                await stream.WriteAsync("\r\n"u8.ToArray());
            }
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        }
        catch (IOException)
        {
            // The server stopped reading: its answer is already waiting.
        }
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadLineAsync() ?? "";
    }

    private HttpRequestMessage Post(string json, string? token, string accept = "application/json, text/event-stream")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, hub.McpUri) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Accept", accept);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }
}
