using System.Net;
using Hub.Domain.Net;

namespace Hub.Domain.Tests.Net;

// Addresses here are only parsed and judged; nothing is ever contacted.
public sealed class NetworkPolicyTests
{
    [Theory]
    [InlineData("192.168.1.20/32", "192.168.1.20/32")]
    [InlineData("192.168.1.20", "192.168.1.20/32")]
    [InlineData("192.168.1.77/24", "192.168.1.0/24")]
    [InlineData("127.0.0.1/32:5432", "127.0.0.1/32:5432")]
    [InlineData("10.0.0.0/8:80", "10.0.0.0/8:80")]
    [InlineData(" 0.0.0.0/0 ", "0.0.0.0/0")]
    [InlineData("fd00::/8", "fd00::/8")]
    [InlineData("[fd00::/8]:443", "[fd00::/8]:443")]
    [InlineData("[::1]:8080", "[::1/128]:8080")]
    [InlineData("fd12:3456::1/64", "fd12:3456::/64")]
    public void Parse_GoodEntry_IsNormalised(string text, string expected)
    {
        Assert.True(NetworkRule.TryParse(text, out var rule, out var error), error);
        Assert.Equal(expected, rule.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("nas.local")]
    [InlineData("192.168.1/24")]
    [InlineData("10")]
    [InlineData("0x7f.1")]
    [InlineData("192.168.1.0/33")]
    [InlineData("192.168.1.0/-1")]
    [InlineData("fd00::/129")]
    [InlineData("127.0.0.1/32:0")]
    [InlineData("127.0.0.1/32:65536")]
    [InlineData("127.0.0.1/32:http")]
    [InlineData("fd00::/8:443")]
    [InlineData("[fd00::/8")]
    [InlineData("[fd00::/8]443")]
    public void Parse_BadEntry_IsRefused(string text) => Assert.False(NetworkRule.TryParse(text, out _, out _));

    [Fact]
    public void Validate_NamesTheKeyAndTheBadEntry()
    {
        var errors = NetworkPolicy.Validate(new NetworkOptions { Allow = ["192.168.1.20/32"], Deny = ["10.0.0.1/32", "router.lan"] }).ToList();
        var error = Assert.Single(errors);
        Assert.Contains("Hub:Network:Deny", error);
        Assert.Contains("'router.lan'", error);
    }

    [Fact]
    public void OptionsValidator_FailsStart_NamingTheEntry()
    {
        var result = new NetworkOptionsValidator().Validate(null, new HubOptions { Network = new NetworkOptions { Allow = ["192.168.1.300/32"] } });
        Assert.True(result.Failed);
        Assert.Contains("Hub:Network:Allow entry '192.168.1.300/32'", result.FailureMessage);
        Assert.True(new NetworkOptionsValidator().Validate(null, new HubOptions()).Succeeded);
    }

    [Fact]
    public void Validate_CommaSeparatedEntries_AreEachChecked() =>
        Assert.Single(NetworkPolicy.Validate(new NetworkOptions { Allow = ["192.168.1.20/32, 10.0.0.0/99"] }));

    public static TheoryData<string, int, bool, string[], string[], bool> Decisions => new()
    {
        // address, port, allowPrivate, allow, deny, allowed?
        { "93.184.216.34", 443, false, [], [], true },
        { "10.0.0.5", 80, false, [], [], false },
        { "10.0.0.5", 80, true, [], [], true },
        { "127.0.0.1", 8080, false, [], [], false },
        { "127.0.0.1", 8080, true, [], [], true },
        // Allow opens a private address with AllowPrivateNetworks off, by block and by port.
        { "192.168.1.20", 445, false, ["192.168.1.20/32"], [], true },
        { "192.168.1.21", 445, false, ["192.168.1.20/32"], [], false },
        { "192.168.1.20", 80, false, ["192.168.1.20/32:443"], [], false },
        { "192.168.1.20", 443, false, ["192.168.1.20/32:443"], [], true },
        { "192.168.1.99", 80, false, ["192.168.1.0/24"], [], true },
        { "100.64.1.2", 80, false, ["100.64.0.0/10"], [], true },
        { "fd00::1", 443, false, ["[fd00::/8]:443"], [], true },
        { "fd00::1", 80, false, ["[fd00::/8]:443"], [], false },
        // Deny wins over allow and over AllowPrivateNetworks, public addresses included.
        { "192.168.1.1", 80, true, [], ["192.168.1.1/32"], false },
        { "192.168.1.1", 80, false, ["192.168.1.0/24"], ["192.168.1.1/32"], false },
        { "127.0.0.1", 5432, true, [], ["127.0.0.1/32:5432"], false },
        { "127.0.0.1", 5433, true, [], ["127.0.0.1/32:5432"], true },
        { "93.184.216.34", 443, false, [], ["93.184.216.0/24"], false },
        // IPv6 spellings of an IPv4 address meet the IPv4 rules.
        { "::ffff:127.0.0.1", 5432, true, [], ["127.0.0.1/32:5432"], false },
        { "::ffff:192.168.1.20", 80, false, ["192.168.1.20/32"], [], true },
        { "64:ff9b::c0a8:101", 80, true, [], ["192.168.1.1/32"], false },
        { "2002:c0a8:101::1", 80, true, [], ["192.168.1.1/32"], false },
        { "::ffff:10.1.2.3", 80, false, [], [], false },
        { "::ffff:10.1.2.3", 80, true, [], [], true },
        // An IPv6 rule does not match an IPv4 address and the reverse.
        { "127.0.0.1", 80, false, ["::1/128"], [], false },
        { "::1", 80, false, ["127.0.0.1/32"], [], false },
        { "::1", 80, false, ["::1/128"], [], true },
        // Refused whatever the lists say: link-local, metadata, unspecified, 0/8, multicast, broadcast.
        { "169.254.1.1", 80, true, ["169.254.0.0/16"], [], false },
        { "169.254.169.254", 80, true, ["0.0.0.0/0"], [], false },
        { "168.63.129.16", 80, true, ["168.63.129.16/32"], [], false },
        { "100.100.100.200", 80, true, ["100.64.0.0/10"], [], false },
        { "fe80::1", 80, true, ["fe80::/10"], [], false },
        { "fd00:ec2::254", 80, true, ["fd00::/8"], [], false },
        { "0.0.0.0", 80, true, ["0.0.0.0/0"], [], false },
        { "0.1.2.3", 80, true, ["0.0.0.0/8"], [], false },
        { "::", 80, true, ["::/0"], [], false },
        { "::ffff:0.0.0.0", 80, true, ["0.0.0.0/0"], [], false },
        { "::ffff:169.254.169.254", 80, true, ["0.0.0.0/0"], [], false },
        { "224.0.0.1", 80, true, ["224.0.0.0/4"], [], false },
        { "255.255.255.255", 80, true, ["0.0.0.0/0"], [], false },
        // Other special space stays closed unless listed (e.g. a VPN's fake-IP range in 198.18/15).
        { "198.18.0.7", 80, true, [], [], false },
        { "198.18.0.7", 80, false, ["198.18.0.0/15"], [], true },
        { "192.0.2.1", 80, true, [], [], false },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public void Refusal_DecidesByAddressPortAndLists(string address, int port, bool allowPrivate, string[] allow, string[] deny, bool allowed)
    {
        var policy = NetworkPolicy.From(new NetworkOptions { AllowPrivateNetworks = allowPrivate, Allow = [.. allow], Deny = [.. deny] });
        var refusal = policy.Refusal(IPAddress.Parse(address), port);
        Assert.True(allowed == (refusal is null), refusal ?? "allowed");
    }

    [Fact]
    public void Refusal_ByDeny_NamesTheEntry()
    {
        var policy = NetworkPolicy.From(new NetworkOptions { AllowPrivateNetworks = true, Deny = ["127.0.0.1/32:5432"] });
        var refusal = policy.Refusal(IPAddress.Loopback, 5432);
        Assert.Contains("Hub:Network:Deny", refusal);
        Assert.Contains("127.0.0.1/32:5432", refusal);
    }

    [Fact]
    public void Refusal_OfAnAddressAllowedOnAnotherPort_SaysWhichPortTheEntryOpens()
    {
        var policy = NetworkPolicy.From(new NetworkOptions { Allow = ["127.0.0.1/32:8765"] });
        Assert.Null(policy.Refusal(IPAddress.Loopback, 8765));
        var refusal = policy.Refusal(IPAddress.Loopback, 8080);
        Assert.Equal("a loopback address; Hub:Network:Allow opens it on port 8765 only (entry 127.0.0.1/32:8765), not on port 8080", refusal);
        Assert.EndsWith("opens it on ports 8765, 8766 only (entries 127.0.0.1/32:8765, 127.0.0.0/8:8766), not on port 8080",
            NetworkPolicy.From(new NetworkOptions { Allow = ["127.0.0.1/32:8765", "127.0.0.0/8:8766", "10.0.0.0/8:8767"] }).Refusal(IPAddress.Loopback, 8080));
        // An entry for another network says nothing about this one.
        Assert.DoesNotContain("8765", NetworkPolicy.From(new NetworkOptions { Allow = ["10.0.0.0/8:8765"] }).Refusal(IPAddress.Loopback, 8080));
    }

    [Fact]
    public void Refusal_NeverAllowed_SaysSo() =>
        Assert.Contains("never fetched", NetworkPolicy.From(new NetworkOptions()).Refusal(IPAddress.Any, 80));

    [Fact]
    public void From_BadEntry_Throws() =>
        Assert.Throws<ArgumentException>(() => NetworkPolicy.From(new NetworkOptions { Allow = ["lan"] }));

    [Theory]
    [InlineData("::ffff:10.1.2.3", "10.1.2.3")]
    [InlineData("64:ff9b::a01:203", "10.1.2.3")]
    [InlineData("2002:a01:203::", "10.1.2.3")]
    [InlineData("::10.1.2.3", "10.1.2.3")]
    [InlineData("2001:0:4136:e378:8000:63bf:f5fe:fdfc", "10.1.2.3")]
    [InlineData("2606:4700::1", "2606:4700::1")]
    [InlineData("::1", "::1")]
    [InlineData("10.1.2.3", "10.1.2.3")]
    public void EffectiveAddress_UnwrapsEmbeddedIPv4(string address, string expected) =>
        Assert.Equal(IPAddress.Parse(expected), AddressClassifier.EffectiveAddress(IPAddress.Parse(address)));
}
