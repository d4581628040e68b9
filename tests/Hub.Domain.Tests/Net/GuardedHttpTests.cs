using System.Net;
using Hub.Domain.Imports;
using Hub.Domain.Net;
using Hub.Testing;
using Microsoft.AspNetCore.Http;

namespace Hub.Domain.Tests.Net;

// Every request here goes to LoopbackServer on 127.0.0.1; made-up names resolve through FakeHostResolver and are
// refused before any socket is opened.
public sealed class GuardedHttpTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;
    private readonly FakeHostResolver _resolver = new();

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync();
        _server.MapText("ok", "fine", "text/plain");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private int Port => _server.BaseUri.Port;

    private GuardedHttp Http(bool allowPrivate, int maxRedirects = 5) =>
        new(new UrlGuard(new NetworkOptions { AllowPrivateNetworks = allowPrivate, MaxRedirects = maxRedirects }, _resolver));

    public static TheoryData<string> LoopbackSpellings => new()
    {
        "http://127.0.0.1:{0}/ok",
        "http://127.1:{0}/ok",
        "http://2130706433:{0}/ok",
        "http://0x7f.0.0.1:{0}/ok",
        "http://[::1]:{0}/ok",
        "http://[::ffff:127.0.0.1]:{0}/ok",
        "http://localhost:{0}/ok",
    };

    [Theory]
    [MemberData(nameof(LoopbackSpellings))]
    public async Task Send_LoopbackWhilePrivateOff_IsRefusedBeforeAnyRequest(string template)
    {
        using var http = Http(allowPrivate: false);
        var url = new Uri(string.Format(template, Port));
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => http.GetAsync(url, HttpCompletionOption.ResponseContentRead, CancellationToken.None));
        Assert.Equal("blocked-address", ex.Type);
        Assert.False(ex.Transient);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Send_ToAPortOnTheDenyList_IsRefused_EvenOnARedirect()
    {
        var other = Port == 65535 ? Port - 1 : Port + 1;
        _server.MapRedirect("hop", $"http://127.0.0.1:{other}/ok");
        using var denied = new GuardedHttp(new UrlGuard(new NetworkOptions { AllowPrivateNetworks = true, Deny = [$"127.0.0.1/32:{Port}"] }, _resolver));
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() =>
            denied.GetAsync(new Uri($"http://[::ffff:127.0.0.1]:{Port}/ok"), HttpCompletionOption.ResponseContentRead, CancellationToken.None));
        Assert.Equal("blocked-address", ex.Type);
        Assert.Contains("Hub:Network:Deny", ex.Message);
        Assert.Empty(_server.Requests);

        // Private networks off, loopback on the allow list: the page is read, its redirect to a denied port is not followed.
        using var mixed = new GuardedHttp(new UrlGuard(new NetworkOptions { Allow = ["127.0.0.1/32"], Deny = [$"127.0.0.1/32:{other}"] }, _resolver));
        var hop = await Assert.ThrowsAsync<ImportFailedException>(() =>
            mixed.GetAsync(new Uri($"http://127.0.0.1:{Port}/hop"), HttpCompletionOption.ResponseContentRead, CancellationToken.None));
        Assert.Equal(1, _server.Count("hop"));
        Assert.Contains("Hub:Network:Deny", hop.Message);
    }

    [Theory]
    [MemberData(nameof(LoopbackSpellings))]
    public async Task Send_LoopbackWhilePrivateOn_Works(string template)
    {
        using var http = Http(allowPrivate: true);
        var url = new Uri(string.Format(template, Port));
        if (url.Host == "[::1]")
        {
            // The server binds 127.0.0.1 only: the guard lets ::1 through and the connect itself is refused.
            var ex = await Assert.ThrowsAsync<ImportFailedException>(() => http.GetAsync(url, HttpCompletionOption.ResponseContentRead, CancellationToken.None));
            Assert.Equal("network", ex.Type);
            Assert.True(ex.Transient);
            return;
        }
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("fine", await response.Content.ReadAsStringAsync());
        Assert.Equal("Hub/1.0", Assert.Single(_server.Requests).Headers["User-Agent"]);
    }

    [Fact]
    public async Task Send_NameRebindsToLoopbackAtConnectTime_IsRefusedAtConnect()
    {
        // First answer (the up-front check) is public; the connect-time answer is loopback, as a rebinding DNS server would do.
        _resolver.MapPerCall("rebind.test", n => n == 1 ? ["93.184.216.34"] : ["127.0.0.1"]);
        using var http = Http(allowPrivate: false);
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() =>
            http.GetAsync(new Uri($"http://rebind.test:{Port}/ok"), HttpCompletionOption.ResponseContentRead, CancellationToken.None));
        Assert.Equal("blocked-address", ex.Type);
        Assert.Equal(2, _resolver.Calls("rebind.test"));
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Send_NameWithOnePrivateAddressAmongPublicOnes_IsRefused()
    {
        _resolver.Map("mixed.test", "93.184.216.34", "127.0.0.1");
        using var http = Http(allowPrivate: false);
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() =>
            http.GetAsync(new Uri($"http://mixed.test:{Port}/ok"), HttpCompletionOption.ResponseContentRead, CancellationToken.None));
        Assert.Equal("blocked-address", ex.Type);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Send_FakeNameMappedToLoopback_ConnectsToTheCheckedAddress()
    {
        _resolver.Map("media.test", "127.0.0.1");
        using var http = Http(allowPrivate: true);
        using var response = await http.GetAsync(new Uri($"http://media.test:{Port}/ok"), HttpCompletionOption.ResponseContentRead, CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"media.test:{Port}", Assert.Single(_server.Requests).Headers["Host"]);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "blocked-address")]
    [InlineData("http://metadata.test/computeMetadata/v1/", "blocked-address")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/", "blocked-address")]
    [InlineData("http://0.0.0.0:{0}/ok", "blocked-address")]
    [InlineData("http://[::ffff:169.254.169.254]/", "blocked-address")]
    [InlineData("file:///etc/passwd", "blocked-scheme")]
    [InlineData("gopher://127.0.0.1:{0}/_x", "blocked-scheme")]
    [InlineData("http://user:pw@127.0.0.1:{0}/ok", "invalid-url")]
    public async Task Send_RedirectToForbiddenTarget_IsRefusedBeforeFollowing(string location, string type)
    {
        _resolver.Map("metadata.test", "169.254.169.254");
        _server.MapRedirect("go", string.Format(location, Port));
        using var http = Http(allowPrivate: true);
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() =>
            http.GetAsync(_server.Url("go"), HttpCompletionOption.ResponseContentRead, CancellationToken.None));
        Assert.Equal(type, ex.Type);
        Assert.Equal("/go", Assert.Single(_server.Requests).PathAndQuery);
    }

    [Fact]
    public async Task Send_FiveRedirects_AreFollowed_SixAreTooMany()
    {
        for (var i = 0; i < 6; i++)
        {
            _server.MapRedirect($"r{i}", $"/r{i + 1}", i % 2 == 0 ? 302 : 307);
        }
        _server.MapText("r6", "end", "text/plain");
        using var http = Http(allowPrivate: true);

        using (var ok = await http.GetAsync(_server.Url("r1"), HttpCompletionOption.ResponseContentRead, CancellationToken.None))
        {
            Assert.Equal("end", await ok.Content.ReadAsStringAsync());
            Assert.Equal(_server.Url("r6"), ok.RequestMessage!.RequestUri);
        }
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() =>
            http.GetAsync(_server.Url("r0"), HttpCompletionOption.ResponseContentRead, CancellationToken.None));
        Assert.Equal("too-many-redirects", ex.Type);
        Assert.Equal(1, _server.Count("r6")); // only the first chain reached the end
    }

    [Fact]
    public async Task Send_303AfterPost_BecomesGet_307KeepsPostAndBody()
    {
        _server.MapRedirect("see", "/target", 303);
        _server.MapRedirect("temp", "/target", 307);
        _server.Map("target", async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            await ctx.Response.WriteAsync(ctx.Request.Method + ":" + await reader.ReadToEndAsync());
        });
        using var http = Http(allowPrivate: true);

        using var see = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, _server.Url("see")) { Content = new StringContent("body") },
            HttpCompletionOption.ResponseContentRead, CancellationToken.None);
        Assert.Equal("GET:", await see.Content.ReadAsStringAsync());

        using var temp = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, _server.Url("temp")) { Content = new StringContent("body") },
            HttpCompletionOption.ResponseContentRead, CancellationToken.None);
        Assert.Equal("POST:body", await temp.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Send_RedirectToAnotherOrigin_DropsCredentialsKeepsRange()
    {
        _server.MapRedirect("away", $"http://localhost:{Port}/ok", 302);
        using var http = Http(allowPrivate: true);
        var request = new HttpRequestMessage(HttpMethod.Get, _server.Url("away"));
        request.Headers.Authorization = new("Bearer", "secret");
        request.Headers.Range = new(0, 1);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
        var last = _server.Requests.Last();
        Assert.Equal("/ok", last.PathAndQuery);
        Assert.False(last.Headers.ContainsKey("Authorization"));
        Assert.Equal("bytes=0-1", last.Headers["Range"]);
    }

    [Fact]
    public async Task Send_ConnectionRefused_IsRetryableNetworkError()
    {
        int freePort;
        using (var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            freePort = ((IPEndPoint)l.LocalEndpoint).Port;
        }
        using var http = Http(allowPrivate: true);
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() =>
            http.GetAsync(new Uri($"http://127.0.0.1:{freePort}/"), HttpCompletionOption.ResponseContentRead, CancellationToken.None));
        Assert.Equal("network", ex.Type);
        Assert.True(ex.Transient);
    }
}
