using System.Net;
using Hub.Domain.Net;
using Hub.Testing;

namespace Hub.Domain.Tests.Net;

public sealed class HttpFailuresTests
{
    [Theory]
    [InlineData(404, "http-404", false)]
    [InlineData(410, "http-410", false)]
    [InlineData(401, "http-401", false)]
    [InlineData(403, "http-403", false)]
    [InlineData(400, "http-400", false)]
    [InlineData(408, "http-408", true)]
    [InlineData(429, "http-429", true)]
    [InlineData(500, "http-5xx", true)]
    [InlineData(502, "http-5xx", true)]
    [InlineData(503, "http-5xx", true)]
    public void ForStatus_MapsToTypeAndTransience(int status, string type, bool transient)
    {
        var ex = HttpFailures.ForStatus(status, "media.test");
        Assert.Equal(type, ex.Type);
        Assert.Equal(transient, ex.Transient);
        Assert.Contains("media.test", ex.Message);
    }

    [Fact]
    public void FromException_NamesTheInnermostCause_NotHttpClientsGenericWords()
    {
        var reset = new HttpRequestException("An error occurred while sending the request.",
            new IOException("Unable to read data from the transport connection.", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionReset)));
        var ex = HttpFailures.FromException(reset, new Uri("http://127.0.0.1:9/hook"));
        Assert.Equal("network", ex.Type);
        Assert.True(ex.Transient);
        Assert.Equal("Could not fetch from 127.0.0.1: " + new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionReset).Message, ex.Message);
        Assert.Equal("Could not fetch from 127.0.0.1: The response ended prematurely.",
            HttpFailures.FromException(new HttpRequestException("The response ended prematurely."), new Uri("http://127.0.0.1:9/")).Message);
    }

    [Fact]
    public async Task ForStatus_429WithRetryAfter_CarriesTheDelay()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Map("busy", ctx =>
        {
            ctx.Response.StatusCode = 429;
            ctx.Response.Headers.RetryAfter = "120";
            return Task.CompletedTask;
        });
        using var http = new GuardedHttp(new UrlGuard(new NetworkOptions { AllowPrivateNetworks = true }, new FakeHostResolver()));
        using var response = await http.GetAsync(server.Url("busy"), HttpCompletionOption.ResponseContentRead, CancellationToken.None);
        var ex = Assert.Throws<Hub.Domain.Imports.ImportFailedException>(() => HttpFailures.EnsureSuccess(response));
        Assert.Equal("http-429", ex.Type);
        Assert.Equal(TimeSpan.FromSeconds(120), ex.Data[HttpFailures.RetryAfterKey]);
        Assert.Contains("120 s", ex.Message);
    }

    [Fact]
    public void ForStatus_Ok_DoesNotThrow()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.PartialContent);
        HttpFailures.EnsureSuccess(response);
    }
}
