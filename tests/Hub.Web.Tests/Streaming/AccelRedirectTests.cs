using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;
using Hub.Web.Streaming;
using Hub.Web.Tests.Entries;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Web.Tests.Streaming;

/// <summary>Hub on real Kestrel with X-Accel-Redirect on, behind a real nginx that serves the bytes.</summary>
public sealed class AccelRedirectFixture : IAsyncLifetime
{
    public const int Size = 300_000;

    public sealed class App : HubAppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Hub:Streaming:AccelRedirect:Enabled"] = "true",
        };
    }

    public App Hub { get; } = new();
    public LoopbackNginx Nginx { get; private set; } = null!;
    public Uri HubUri { get; private set; } = null!;
    public Guid Entry { get; private set; }
    public string FilePath { get; private set; } = "";
    public string Token { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)Hub).InitializeAsync();
        Hub.UseKestrel();
        Hub.StartServer();
        HubUri = new Uri(Hub.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var library = await EntrySeed.LibraryAsync(Hub.ConnectionString, "Accel");
        // A name that needs percent-encoding in the internal URI.
        FilePath = EntrySeed.WriteFile(Path.Combine(Hub.DataDir, "media", "accel dir"), "a film (2024) #1.mp4", Size);
        var entry = new SeedEntry("Accel film") { FilePath = FilePath, SizeBytes = Size };
        await EntrySeed.InsertAsync(Hub.ConnectionString, library, entry);
        Entry = entry.Id;
        Token = await Hub.CreateTokenAsync("user");
        Nginx = await LoopbackNginx.StartAsync($$"""
            location / { proxy_pass {{HubUri.AbsoluteUri.TrimEnd('/')}}; proxy_buffering off; }
            location /hub-files/ { internal; alias /; add_header X-Content-Type-Options nosniff; }
            """);
    }

    public async Task DisposeAsync()
    {
        await Nginx.DisposeAsync();
        await ((IAsyncLifetime)Hub).DisposeAsync();
    }
}

public sealed class AccelRedirectTests(AccelRedirectFixture fx) : IClassFixture<AccelRedirectFixture>
{
    private HttpClient ThroughNginx(bool withToken = true)
    {
        var client = new HttpClient { BaseAddress = fx.Nginx.BaseUri };
        if (withToken) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fx.Token);
        return client;
    }

    [Fact]
    public async Task Nginx_SendsTheRangeHubAllowed()
    {
        using var client = ThroughNginx();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/entries/{fx.Entry}/stream");
        request.Headers.Range = new RangeHeaderValue(100_000, 100_099);
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes 100000-100099/{AccelRedirectFixture.Size}", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal(Enumerable.Range(100_000, 100).Select(i => EntrySeed.ByteAt(i)).ToArray(), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("video/mp4", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.False(response.Headers.Contains(AccelRedirect.Header)); // nginx consumed it

        var whole = await client.GetByteArrayAsync($"/api/v1/entries/{fx.Entry}/stream");
        Assert.Equal(await File.ReadAllBytesAsync(fx.FilePath), whole);
    }

    [Fact]
    public async Task Nginx_RefusesWhatHubRefuses_AndTheInternalLocationIsNotReachable()
    {
        using var anonymous = ThroughNginx(withToken: false);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/entries/{fx.Entry}/stream")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/hub-files/etc/passwd")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/hub-files" + fx.FilePath.Replace(" ", "%20", StringComparison.Ordinal))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync("/s/not-a-valid-link")).StatusCode);
    }

    [Fact]
    public async Task SignedLinkAndDownload_GoThroughNginx()
    {
        using var client = ThroughNginx();
        var link = await (await client.PostAsJsonAsync($"/api/v1/entries/{fx.Entry}/links", new { kind = "download" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        using var anonymous = ThroughNginx(withToken: false);
        var response = await anonymous.GetAsync(link.GetProperty("path").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(AccelRedirectFixture.Size, (await response.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal("Accel film.mp4", response.Content.Headers.ContentDisposition!.FileNameStar);
    }

    [Fact]
    public async Task HubAlone_AnswersWithTheInternalUriAndNoBody()
    {
        using var direct = new HttpClient { BaseAddress = fx.HubUri };
        direct.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fx.Token);
        var response = await direct.GetAsync($"/api/v1/entries/{fx.Entry}/stream");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/hub-files" + string.Join('/', fx.FilePath.Split('/').Select(Uri.EscapeDataString)),
            Assert.Single(response.Headers.GetValues(AccelRedirect.Header)));
        Assert.Contains("a%20film%20%282024%29%20%231.mp4", response.Headers.GetValues(AccelRedirect.Header).Single(), StringComparison.Ordinal);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("", 200, 1000)]
    [InlineData("bytes=0-99", 206, 100)]
    [InlineData("bytes=900-", 206, 100)]
    [InlineData("bytes=-10", 206, 10)]
    [InlineData("bytes=990-5000", 206, 10)]
    [InlineData("bytes=0-1,5-6", 200, 1000)]
    [InlineData("bytes=1000-", 416, 0)]
    [InlineData("garbage", 200, 1000)]
    public void Expected_IsWhatNginxWillSend(string range, int status, long bytes)
    {
        var request = new DefaultHttpContext().Request;
        if (range.Length > 0) request.Headers.Range = range;
        Assert.Equal((status, bytes), AccelRedirect.Expected(request, 1000));
    }

    [Theory]
    [InlineData("/srv/media/a b/c.mkv", "/hub-files/srv/media/a%20b/c.mkv")]
    [InlineData("/srv/Ünï/c#d.mkv", "/hub-files/srv/%C3%9Cn%C3%AF/c%23d.mkv")]
    [InlineData("/srv/what?.mkv", null)]
    [InlineData("/srv/100%.mkv", null)]
    [InlineData("relative/x.mkv", null)]
    [InlineData("/srv/../etc/passwd", null)]
    public void UriFor_EncodesEverySegment(string path, string? expected) =>
        Assert.Equal(expected, AccelRedirect.UriFor(new AccelRedirectOptions(), path));
}
