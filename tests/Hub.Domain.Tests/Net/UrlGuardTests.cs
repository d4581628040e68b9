using System.Net;
using Hub.Domain.Imports;
using Hub.Domain.Net;

namespace Hub.Domain.Tests.Net;

public sealed class UrlGuardTests
{
    [Theory]
    [InlineData("", "invalid-url")]
    [InlineData("   ", "invalid-url")]
    [InlineData("file:///etc/passwd", "blocked-scheme")]
    [InlineData("FILE:///etc/passwd", "blocked-scheme")]
    [InlineData("ftp://example.org/a.mp4", "blocked-scheme")]
    [InlineData("gopher://example.org:70/_GET", "blocked-scheme")]
    [InlineData("javascript:alert(1)", "blocked-scheme")]
    [InlineData("data:text/html,<b>x</b>", "blocked-scheme")]
    [InlineData("dict://127.0.0.1:11211/stats", "blocked-scheme")]
    [InlineData("ldap://example.org/", "blocked-scheme")]
    [InlineData("ws://example.org/socket", "blocked-scheme")]
    [InlineData("mailto:a@example.org", "blocked-scheme")]
    [InlineData("/relative/path.mp4", "invalid-url")]
    [InlineData("relative/path.mp4", "invalid-url")]
    [InlineData("//example.org/a.mp4", "invalid-url")]
    [InlineData("http://user:pass@example.org/a.mp4", "invalid-url")]
    [InlineData("http://user@example.org/a.mp4", "invalid-url")]
    [InlineData("http://example.org@127.0.0.1/a.mp4", "invalid-url")]
    [InlineData("http://exa mple.org/a.mp4", "invalid-url")]
    [InlineData("http://example.org/a b.mp4", "invalid-url")]
    [InlineData("http://example.org/a\tb.mp4", "invalid-url")]
    [InlineData("http://", "invalid-url")]
    [InlineData("http:///a.mp4", "invalid-url")]
    [InlineData("http://[::1/", "invalid-url")]
    [InlineData("http://example.org:99999/", "invalid-url")]
    public void Parse_HostileUrl_IsRefused(string url, string type)
    {
        var ex = Assert.Throws<ImportFailedException>(() => UrlGuard.Parse(url));
        Assert.Equal(type, ex.Type);
        Assert.False(ex.Transient);
    }

    [Fact]
    public void Parse_TooLong_IsRefused()
    {
        var url = "http://example.org/" + new string('a', UrlGuard.MaxUrlLength);
        Assert.Equal("invalid-url", Assert.Throws<ImportFailedException>(() => UrlGuard.Parse(url)).Type);
    }

    [Theory]
    [InlineData("  https://example.org/video.mp4  ", "https://example.org/video.mp4")]
    [InlineData("HTTP://Example.ORG/a.mp4?x=1#t", "http://example.org/a.mp4?x=1#t")]
    [InlineData("http://127.1:8080/a", "http://127.0.0.1:8080/a")]
    [InlineData("http://2130706433/", "http://127.0.0.1/")]
    [InlineData("http://[::ffff:127.0.0.1]/", "http://[::ffff:127.0.0.1]/")]
    public void Parse_GoodUrl_IsNormalised(string url, string expected)
    {
        Assert.Equal(expected, UrlGuard.Parse(url).AbsoluteUri);
    }

    [Theory]
    [InlineData("http://127.0.0.1/", false)]
    [InlineData("http://127.1/", false)]
    [InlineData("http://2130706433/", false)]
    [InlineData("http://0x7f.1/", false)]
    [InlineData("http://[::1]/", false)]
    [InlineData("http://[::ffff:127.0.0.1]/", false)]
    [InlineData("http://localhost/", false)]
    [InlineData("http://LOCALHOST./", false)]
    [InlineData("http://api.localhost/", false)]
    [InlineData("http://169.254.169.254/latest/meta-data/", true)]
    [InlineData("http://[fd00:ec2::254]/", true)]
    [InlineData("http://0.0.0.0/", true)]
    [InlineData("http://[::]/", true)]
    [InlineData("http://metadata.test/", true)]
    [InlineData("http://lan.test/", false)]
    [InlineData("http://mixed.test/", false)]
    public async Task EnsureAllowed_NonPublicTarget_IsBlocked(string url, bool blockedEvenWhenPrivateAllowed)
    {
        var resolver = Resolver();
        var strict = new UrlGuard(new NetworkOptions(), resolver);
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => strict.EnsureAllowedAsync(UrlGuard.Parse(url), CancellationToken.None));
        Assert.Equal("blocked-address", ex.Type);
        Assert.False(ex.Transient);

        var lenient = new UrlGuard(new NetworkOptions { AllowPrivateNetworks = true }, resolver);
        var check = lenient.EnsureAllowedAsync(UrlGuard.Parse(url), CancellationToken.None);
        if (blockedEvenWhenPrivateAllowed)
        {
            Assert.Equal("blocked-address", (await Assert.ThrowsAsync<ImportFailedException>(() => check)).Type);
        }
        else
        {
            Assert.NotEmpty(await check);
        }
    }

    [Theory]
    [InlineData("http://10.0.0.1/x", "'10.0.0.1' is a private address; set Hub:Network:AllowPrivateNetworks")]
    [InlineData("http://[::1]/x", "'::1' is a loopback address")]
    [InlineData("http://2130706433/x", "'127.0.0.1' is a loopback address")] // the parser writes the address as itself
    [InlineData("http://lan.test/x", "'lan.test' resolves to 10.0.0.1, a private address")]
    public async Task EnsureAllowed_Refusal_SaysIsForAnAddress_AndResolvesToForAName(string url, string expected)
    {
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() =>
            new UrlGuard(new NetworkOptions(), Resolver()).EnsureAllowedAsync(UrlGuard.Parse(url), CancellationToken.None));
        Assert.StartsWith(expected, ex.Message);
    }

    [Fact]
    public async Task EnsureAllowed_PublicName_ReturnsItsAddresses()
    {
        var guard = new UrlGuard(new NetworkOptions(), Resolver());
        var addresses = await guard.EnsureAllowedAsync(UrlGuard.Parse("https://public.test/a.mp4"), CancellationToken.None);
        Assert.Equal([IPAddress.Parse("93.184.216.34"), IPAddress.Parse("2606:4700::1")], addresses);
    }

    [Fact]
    public async Task EnsureAllowed_UnknownName_IsRetryableDnsError()
    {
        var guard = new UrlGuard(new NetworkOptions(), Resolver());
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => guard.EnsureAllowedAsync(UrlGuard.Parse("http://nope.test/"), CancellationToken.None));
        Assert.Equal("dns", ex.Type);
        Assert.True(ex.Transient);
    }

    [Fact]
    public async Task EnsureAllowed_Blocked_MessageNamesTheSwitch()
    {
        var guard = new UrlGuard(new NetworkOptions(), Resolver());
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => guard.EnsureAllowedAsync(UrlGuard.Parse("http://lan.test/"), CancellationToken.None));
        Assert.Contains("Hub:Network:AllowPrivateNetworks", ex.Message);
        Assert.Contains("10.0.0.1", ex.Message);
    }

    [Fact]
    public async Task EnsureAllowed_Localhost_NeverAsksTheResolver()
    {
        var resolver = Resolver();
        var guard = new UrlGuard(new NetworkOptions { AllowPrivateNetworks = true }, resolver);
        await guard.EnsureAllowedAsync(UrlGuard.Parse("http://localhost/"), CancellationToken.None);
        Assert.Equal(0, resolver.Calls("localhost"));
    }

    private static FakeHostResolver Resolver() => new FakeHostResolver()
        .Map("public.test", "93.184.216.34", "2606:4700::1")
        .Map("metadata.test", "169.254.169.254")
        .Map("lan.test", "10.0.0.1")
        .Map("mixed.test", "93.184.216.34", "192.168.1.1");
}
