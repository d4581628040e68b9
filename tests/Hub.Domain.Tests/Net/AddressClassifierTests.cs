using System.Net;
using Hub.Domain.Net;

namespace Hub.Domain.Tests.Net;

// Addresses here are only parsed and classified; nothing is ever contacted.
public sealed class AddressClassifierTests
{
    public static TheoryData<string, AddressCategory> Cases => new()
    {
        // IPv4 public
        { "93.184.216.34", AddressCategory.Public },
        { "8.8.8.8", AddressCategory.Public },
        { "1.1.1.1", AddressCategory.Public },
        { "172.15.255.255", AddressCategory.Public },
        { "172.32.0.0", AddressCategory.Public },
        { "100.63.255.255", AddressCategory.Public },
        { "100.128.0.0", AddressCategory.Public },
        { "169.253.255.255", AddressCategory.Public },
        { "192.169.0.1", AddressCategory.Public },
        { "223.255.255.255", AddressCategory.Public },
        // IPv4 special
        { "0.0.0.0", AddressCategory.Unspecified },
        { "0.1.2.3", AddressCategory.ThisNetwork },
        { "0.255.255.255", AddressCategory.ThisNetwork },
        { "10.0.0.1", AddressCategory.Private },
        { "10.255.255.255", AddressCategory.Private },
        { "100.64.0.1", AddressCategory.CarrierNat },
        { "100.127.255.255", AddressCategory.CarrierNat },
        { "127.0.0.1", AddressCategory.Loopback },
        { "127.255.255.254", AddressCategory.Loopback },
        { "169.254.0.1", AddressCategory.LinkLocal },
        { "169.254.169.254", AddressCategory.CloudMetadata },
        { "169.254.170.2", AddressCategory.CloudMetadata },
        { "100.100.100.200", AddressCategory.CloudMetadata },
        { "168.63.129.16", AddressCategory.CloudMetadata },
        { "172.16.0.0", AddressCategory.Private },
        { "172.31.255.255", AddressCategory.Private },
        { "192.0.0.8", AddressCategory.Reserved },
        { "192.0.2.1", AddressCategory.Documentation },
        { "198.51.100.7", AddressCategory.Documentation },
        { "203.0.113.200", AddressCategory.Documentation },
        { "192.88.99.1", AddressCategory.Reserved },
        { "192.168.0.1", AddressCategory.Private },
        { "192.168.255.255", AddressCategory.Private },
        { "198.18.0.1", AddressCategory.Benchmarking },
        { "198.19.255.255", AddressCategory.Benchmarking },
        { "224.0.0.1", AddressCategory.Multicast },
        { "239.255.255.250", AddressCategory.Multicast },
        { "240.0.0.1", AddressCategory.Reserved },
        { "255.255.255.254", AddressCategory.Reserved },
        { "255.255.255.255", AddressCategory.Broadcast },
        // Odd IPv4 spellings, as IPAddress.Parse (and Uri) read them
        { "127.1", AddressCategory.Loopback },
        { "2130706433", AddressCategory.Loopback },
        { "0x7f.1", AddressCategory.Loopback },
        { "0177.0.0.1", AddressCategory.Loopback },
        { "0xa9fea9fe", AddressCategory.CloudMetadata },
        // IPv6
        { "::", AddressCategory.Unspecified },
        { "::1", AddressCategory.Loopback },
        { "2606:4700::1", AddressCategory.Public },
        { "2a00:1450:4001:81c::200e", AddressCategory.Public },
        { "fe80::1", AddressCategory.LinkLocal },
        { "fe80::1%2", AddressCategory.LinkLocal },
        { "febf:ffff::1", AddressCategory.LinkLocal },
        { "fec0::1", AddressCategory.SiteLocal },
        { "fc00::", AddressCategory.UniqueLocal },
        { "fd12:3456::1", AddressCategory.UniqueLocal },
        { "fd00:ec2::254", AddressCategory.CloudMetadata },
        { "ff02::1", AddressCategory.Multicast },
        { "ff05::1:3", AddressCategory.Multicast },
        { "2001:db8::1", AddressCategory.Documentation },
        { "3fff::1", AddressCategory.Documentation },
        { "100::1", AddressCategory.Reserved },
        { "2001:2::1", AddressCategory.Benchmarking },
        { "2001:10::1", AddressCategory.Reserved },
        { "4000::1", AddressCategory.Reserved },
        // IPv6 forms that embed IPv4
        { "::ffff:127.0.0.1", AddressCategory.Loopback },
        { "::ffff:7f00:1", AddressCategory.Loopback },
        { "::ffff:10.1.2.3", AddressCategory.Private },
        { "::ffff:169.254.169.254", AddressCategory.CloudMetadata },
        { "::ffff:93.184.216.34", AddressCategory.Public },
        { "::ffff:0:127.0.0.1", AddressCategory.Loopback },
        { "::127.0.0.1", AddressCategory.Loopback },
        { "::10.0.0.1", AddressCategory.Private },
        { "64:ff9b::127.0.0.1", AddressCategory.Loopback },
        { "64:ff9b::a9fe:a9fe", AddressCategory.CloudMetadata },
        { "64:ff9b::192.168.1.1", AddressCategory.Private },
        { "64:ff9b::100.100.100.200", AddressCategory.CloudMetadata },
        { "64:ff9b::93.184.216.34", AddressCategory.Public },
        { "64:ff9b:1::10.0.0.1", AddressCategory.Private },
        { "2002:7f00:1::", AddressCategory.Loopback },
        { "2002:a9fe:a9fe::1", AddressCategory.CloudMetadata },
        { "2002:c0a8:101::1", AddressCategory.Private },
        { "2002:5db8:d822::1", AddressCategory.Public },
        // Teredo: client IPv4 is the last 32 bits inverted (127.0.0.1 -> 80ff:fffe)
        { "2001:0:4136:e378:8000:63bf:80ff:fffe", AddressCategory.Loopback },
        { "2001:0:4136:e378:8000:63bf:3fff:fdd2", AddressCategory.Documentation },
        { "2001:0:4136:e378:8000:63bf:a247:27dd", AddressCategory.Public },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_KnownAddress_GivesItsCategory(string text, AddressCategory expected)
    {
        Assert.Equal(expected, AddressClassifier.Classify(IPAddress.Parse(text)));
    }

    [Theory]
    [InlineData("93.184.216.34", true, true)]
    [InlineData("2606:4700::1", true, true)]
    [InlineData("127.0.0.1", false, true)]
    [InlineData("::1", false, true)]
    [InlineData("::ffff:127.0.0.1", false, true)]
    [InlineData("10.0.0.1", false, true)]
    [InlineData("172.16.0.1", false, true)]
    [InlineData("192.168.1.10", false, true)]
    [InlineData("100.64.0.1", false, true)]
    [InlineData("fd12::1", false, true)]
    [InlineData("169.254.169.254", false, false)]
    [InlineData("169.254.1.1", false, false)]
    [InlineData("fd00:ec2::254", false, false)]
    [InlineData("100.100.100.200", false, false)]
    [InlineData("fe80::1", false, false)]
    [InlineData("ff02::1", false, false)]
    [InlineData("224.0.0.251", false, false)]
    [InlineData("0.0.0.0", false, false)]
    [InlineData("0.1.2.3", false, false)]
    [InlineData("::", false, false)]
    [InlineData("255.255.255.255", false, false)]
    [InlineData("240.0.0.1", false, false)]
    [InlineData("192.0.2.1", false, false)]
    [InlineData("2001:db8::1", false, false)]
    [InlineData("198.18.0.1", false, false)]
    [InlineData("64:ff9b::a9fe:a9fe", false, false)]
    public void IsAllowed_DependsOnPolicy(string text, bool allowedWhenPrivateOff, bool allowedWhenPrivateOn)
    {
        var address = IPAddress.Parse(text);
        Assert.Equal(allowedWhenPrivateOff, AddressClassifier.IsAllowed(address, allowPrivate: false));
        Assert.Equal(allowedWhenPrivateOn, AddressClassifier.IsAllowed(address, allowPrivate: true));
    }
}
