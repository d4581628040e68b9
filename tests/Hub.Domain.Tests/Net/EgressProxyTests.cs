using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Hub.Domain.Net;
using Hub.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hub.Domain.Tests.Net;

/// <summary>The egress proxy over real sockets on loopback: credential, refusals, and bytes passed through unchanged.</summary>
public sealed class EgressProxyTests : IAsyncLifetime
{
    private LoopbackServer _target = null!;
    private EgressProxy _proxy = null!;
    private string _file = null!;

    public async Task InitializeAsync()
    {
        _file = await TestMedia.BytesAsync(3 * 1024 * 1024 + 17);
        _target = await LoopbackServer.StartAsync();
        _target.MapFile("blob.bin", _file, "application/octet-stream");
        // Loopback is allowed (as in the tests' home-LAN setup) except the port on the deny list.
        var options = new NetworkOptions { AllowPrivateNetworks = true, Deny = [$"127.0.0.2/32:{_target.BaseUri.Port}"] };
        _proxy = new EgressProxy(new UrlGuard(options, new FakeHostResolver()), NullLogger<EgressProxy>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _target.DisposeAsync();
    }

    private int Port => _target.BaseUri.Port;

    private string Credential => Convert.ToBase64String(Encoding.ASCII.GetBytes(Uri.UnescapeDataString(_proxy.ProxyUri.UserInfo)));

    [Theory]
    [InlineData(null)]
    [InlineData("Basic aHViOndyb25n")]
    [InlineData("Bearer abc")]
    public async Task Request_WithoutTheCredential_Is407_AndGoesNowhere(string? authorization)
    {
        var auth = authorization is null ? "" : $"Proxy-Authorization: {authorization}\r\n";
        var (head, _) = await ExchangeAsync($"GET http://127.0.0.1:{Port}/blob.bin HTTP/1.1\r\nHost: 127.0.0.1:{Port}\r\n{auth}\r\n");

        Assert.StartsWith("HTTP/1.1 407 ", head);
        Assert.Contains("Proxy-Authenticate: Basic", head);
        Assert.Empty(_target.Requests);
    }

    [Fact]
    public async Task Connect_WithoutTheCredential_Is407()
    {
        var (head, _) = await ExchangeAsync($"CONNECT 127.0.0.1:{Port} HTTP/1.1\r\nHost: 127.0.0.1:{Port}\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 407 ", head);
    }

    [Theory]
    [InlineData("0.0.0.0", "never fetched")]
    [InlineData("[::]", "never fetched")]
    [InlineData("[::ffff:0.0.0.0]", "never fetched")]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("127.0.0.2", "Hub:Network:Deny")]
    public async Task Connect_ToRefusedAddress_Is403_WithTheGuardsReason(string host, string reason)
    {
        var (head, _) = await ExchangeAsync($"CONNECT {host}:{Port} HTTP/1.1\r\nHost: {host}:{Port}\r\nProxy-Authorization: Basic {Credential}\r\n\r\n");

        var statusLine = head.Split("\r\n")[0];
        Assert.StartsWith("HTTP/1.1 403 Blocked by Hub's network guard [hub-egress ", statusLine);
        Assert.Contains(reason, statusLine);
        var failure = _proxy.FailureIn(statusLine);
        Assert.NotNull(failure);
        Assert.Equal("blocked-address", failure.Type);
        Assert.False(failure.Transient);
        Assert.Contains(reason, failure.Message);
        Assert.Empty(_target.Requests);
    }

    [Fact]
    public async Task Get_ToRefusedAddress_Is403_AndTheTargetSeesNothing()
    {
        var (head, body) = await ExchangeAsync(
            $"GET http://0.0.0.0:{Port}/blob.bin HTTP/1.1\r\nHost: 0.0.0.0:{Port}\r\nProxy-Authorization: Basic {Credential}\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 403 ", head);
        Assert.Contains("X-Hub-Egress: [hub-egress ", head);
        Assert.Contains("'0.0.0.0' is an unspecified address", Encoding.UTF8.GetString(body));
        Assert.Empty(_target.Requests);
    }

    [Fact]
    public async Task Connect_ToAllowedAddress_TunnelsBytesExactly()
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _proxy.ProxyUri.Port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"CONNECT 127.0.0.1:{Port} HTTP/1.1\r\nHost: 127.0.0.1:{Port}\r\nProxy-Authorization: Basic {Credential}\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 200 ", await ReadHeadAsync(stream));

        // Inside the tunnel: an ordinary request to the target, as TLS would carry it.
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /blob.bin HTTP/1.1\r\nHost: 127.0.0.1:{Port}\r\nConnection: close\r\n\r\n"));
        var (head, body) = await ReadToEndAsync(stream);
        Assert.StartsWith("HTTP/1.1 200 ", head);
        Assert.Equal(SHA256.HashData(await File.ReadAllBytesAsync(_file)), SHA256.HashData(body));
    }

    [Fact]
    public async Task Get_ThroughHttpClient_IsByteExact_AndEachRequestGetsItsOwnConnection()
    {
        var user = Uri.UnescapeDataString(_proxy.ProxyUri.UserInfo).Split(':');
        using var handler = new SocketsHttpHandler
        {
            Proxy = new WebProxy(new Uri($"http://127.0.0.1:{_proxy.ProxyUri.Port}/")) { Credentials = new NetworkCredential(user[0], user[1]) },
            UseProxy = true,
        };
        using var http = new HttpClient(handler);
        var expected = SHA256.HashData(await File.ReadAllBytesAsync(_file));

        for (var i = 0; i < 2; i++)
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{Port}/blob.bin?n={i}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.ConnectionClose);
            Assert.Equal(expected, SHA256.HashData(await response.Content.ReadAsByteArrayAsync()));
        }
        var seen = _target.Requests.Select(r => r.PathAndQuery).ToList();
        Assert.Equal(["/blob.bin?n=0", "/blob.bin?n=1"], seen);
        Assert.All(_target.Requests, r => Assert.False(r.Headers.ContainsKey("Proxy-Authorization")));
    }

    [Fact]
    public async Task Get_WithRequestBody_ReachesTheTargetUnchanged()
    {
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _target.Map("echo", async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var text = await reader.ReadToEndAsync();
            received.TrySetResult(text);
            await ctx.Response.WriteAsync("got " + text.Length);
        });
        var body = new string('x', 200_000);
        var (head, answer) = await ExchangeAsync(
            $"POST http://127.0.0.1:{Port}/echo HTTP/1.1\r\nHost: 127.0.0.1:{Port}\r\nProxy-Authorization: Basic {Credential}\r\n"
            + $"Content-Length: {body.Length}\r\nConnection: keep-alive\r\n\r\n{body}");

        Assert.StartsWith("HTTP/1.1 200 ", head);
        Assert.Contains("Connection: close", head);
        Assert.Equal(body, await received.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("got 200000", Encoding.UTF8.GetString(answer));
    }

    [Fact]
    public void ToolEnvironment_PointsEveryProxyVariableHere_AndDropsExemptions()
    {
        var env = _proxy.ToolEnvironment;
        foreach (var name in new[] { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY" })
        {
            Assert.Equal(_proxy.ProxyUri.AbsoluteUri, env[name]);
        }
        foreach (var name in new[] { "no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY" })
        {
            Assert.True(env.ContainsKey(name) && env[name] is null, name);
        }
    }

    /// <summary>Sends raw bytes to the proxy and reads until it closes.</summary>
    private async Task<(string Head, byte[] Body)> ExchangeAsync(string request)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _proxy.ProxyUri.Port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        return await ReadToEndAsync(stream).WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task<(string Head, byte[] Body)> ReadToEndAsync(Stream stream)
    {
        using var all = new MemoryStream();
        await stream.CopyToAsync(all);
        var bytes = all.ToArray();
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(end >= 0, "no HTTP head in: " + Encoding.Latin1.GetString(bytes));
        return (Encoding.Latin1.GetString(bytes, 0, end), bytes[(end + 4)..]);
    }

    /// <summary>Reads exactly one head, byte by byte, so nothing after it is consumed.</summary>
    private static async Task<string> ReadHeadAsync(Stream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (!buffer.TakeLast(4).SequenceEqual("\r\n\r\n"u8.ToArray()))
        {
            Assert.Equal(1, await stream.ReadAsync(one));
            buffer.Add(one[0]);
        }
        return Encoding.Latin1.GetString([.. buffer]);
    }
}
