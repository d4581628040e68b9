using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Hub.Domain.Net;

/// <summary>What kind of destination an IP address is, for deciding whether Hub may fetch from it.</summary>
public enum AddressCategory
{
    Public,
    Loopback,
    /// <summary>RFC 1918: 10/8, 172.16/12, 192.168/16.</summary>
    Private,
    /// <summary>Carrier-grade NAT, 100.64/10 (RFC 6598).</summary>
    CarrierNat,
    /// <summary>IPv6 unique-local, fc00::/7.</summary>
    UniqueLocal,
    /// <summary>Deprecated IPv6 site-local, fec0::/10: the IPv6 twin of RFC 1918.</summary>
    SiteLocal,
    LinkLocal,
    /// <summary>Well-known cloud instance metadata endpoints, whichever range they sit in.</summary>
    CloudMetadata,
    Multicast,
    Unspecified,
    Broadcast,
    /// <summary>0.0.0.0/8 ("this network"): Linux connects 0.x.y.z to the local host.</summary>
    ThisNetwork,
    Documentation,
    Benchmarking,
    /// <summary>Reserved, special-purpose or unassigned space that has no business being a download source.</summary>
    Reserved,
}

/// <summary>
/// Pure classification of IP addresses (no DNS, no sockets). Addresses that embed an IPv4 address (IPv4-mapped,
/// IPv4-compatible, NAT64, 6to4, Teredo) are judged by the IPv4 address they lead to, so an IPv6 spelling cannot
/// smuggle a loopback or private target past the guard.
/// </summary>
public static class AddressClassifier
{
    // Published metadata endpoints. 169.254.169.254 is link-local anyway; the others hide in ranges an operator may allow
    // (fd00:ec2::254 is unique-local, 100.100.100.200 is CGNAT) or in public space (Azure's wire server).
    // They are checked on embedded IPv4 addresses too (NAT64, 6to4, ...).
    private static readonly uint[] MetadataV4 = [0xA9FEA9FE, 0xA9FEAA02, 0x646464C8, 0xA83F8110];
    private static readonly IPAddress MetadataV6 = IPAddress.Parse("fd00:ec2::254");

    public static AddressCategory Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return Classify(address.MapToIPv4());
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.GetAddressBytes().AsSpan().SequenceEqual(MetadataV6.GetAddressBytes()))
        {
            return AddressCategory.CloudMetadata;
        }
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => ClassifyV4(BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes())),
            AddressFamily.InterNetworkV6 => ClassifyV6(address.GetAddressBytes()),
            _ => AddressCategory.Reserved,
        };
    }

    /// <summary>
    /// The address a connection really reaches for rule matching: the embedded IPv4 address of a v4-mapped, IPv4-compatible,
    /// NAT64, 6to4 or Teredo spelling, else the address itself.
    /// </summary>
    public static IPAddress EffectiveAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && EmbeddedV4(address.GetAddressBytes()) is { } v4)
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, v4);
            return new IPAddress(bytes);
        }
        return address;
    }

    /// <summary>Public addresses always; loopback and private-network ranges only when the operator allows them.</summary>
    public static bool IsAllowed(IPAddress address, bool allowPrivate) => IsAllowed(Classify(address), allowPrivate);

    public static bool IsAllowed(AddressCategory category, bool allowPrivate) => category switch
    {
        AddressCategory.Public => true,
        AddressCategory.Loopback or AddressCategory.Private or AddressCategory.CarrierNat
            or AddressCategory.UniqueLocal or AddressCategory.SiteLocal => allowPrivate,
        _ => false,
    };

    private static AddressCategory ClassifyV4(uint a)
    {
        if (MetadataV4.Contains(a)) return AddressCategory.CloudMetadata;
        if (a == 0) return AddressCategory.Unspecified;
        if (a == 0xFFFFFFFF) return AddressCategory.Broadcast;
        return a switch
        {
            _ when In(a, 0x00000000, 8) => AddressCategory.ThisNetwork,
            _ when In(a, 0x0A000000, 8) => AddressCategory.Private,
            _ when In(a, 0x64400000, 10) => AddressCategory.CarrierNat,
            _ when In(a, 0x7F000000, 8) => AddressCategory.Loopback,
            _ when In(a, 0xA9FE0000, 16) => AddressCategory.LinkLocal,
            _ when In(a, 0xAC100000, 12) => AddressCategory.Private,
            _ when In(a, 0xC0000000, 24) => AddressCategory.Reserved,      // 192.0.0/24 IETF protocol assignments
            _ when In(a, 0xC0000200, 24) => AddressCategory.Documentation, // 192.0.2/24 TEST-NET-1
            _ when In(a, 0xC0586300, 24) => AddressCategory.Reserved,      // 192.88.99/24 old 6to4 relay anycast
            _ when In(a, 0xC0A80000, 16) => AddressCategory.Private,
            _ when In(a, 0xC6120000, 15) => AddressCategory.Benchmarking,  // 198.18/15
            _ when In(a, 0xC6336400, 24) => AddressCategory.Documentation, // 198.51.100/24 TEST-NET-2
            _ when In(a, 0xCB007100, 24) => AddressCategory.Documentation, // 203.0.113/24 TEST-NET-3
            _ when In(a, 0xE0000000, 4) => AddressCategory.Multicast,
            _ when In(a, 0xF0000000, 4) => AddressCategory.Reserved,
            _ => AddressCategory.Public,
        };
    }

    private static bool In(uint address, uint network, int prefix) => (address & (uint.MaxValue << (32 - prefix))) == network;

    /// <summary>The IPv4 address an IPv6 address leads to, when it embeds one (:: and ::1 excluded).</summary>
    private static uint? EmbeddedV4(byte[] b)
    {
        var hi = BinaryPrimitives.ReadUInt64BigEndian(b);
        var lo = BinaryPrimitives.ReadUInt64BigEndian(b.AsSpan(8));
        var last32 = (uint)lo;
        if (hi == 0 && (lo == 0 || lo == 1)) return null;
        if (hi == 0 && lo >> 32 == 0) return last32;                  // ::a.b.c.d, IPv4-compatible (deprecated)
        if (hi == 0 && lo >> 32 == 0xFFFF) return last32;             // ::ffff:a.b.c.d, should IsIPv4MappedToIPv6 miss it
        if (hi == 0 && lo >> 32 == 0xFFFF0000) return last32;         // ::ffff:0:a.b.c.d, SIIT
        if (hi == 0x0064FF9B00000000 && lo >> 32 == 0) return last32; // 64:ff9b::/96 NAT64
        if (hi >> 16 == 0x0064FF9B0001) return last32;                // 64:ff9b:1::/48 local NAT64
        if (hi >> 32 == 0x20010000) return ~last32;                   // Teredo: the client's IPv4, inverted
        if (hi >> 48 == 0x2002) return (uint)(hi >> 16);              // 6to4: 2002:AABB:CCDD::
        return null;
    }

    private static AddressCategory ClassifyV6(byte[] b)
    {
        var hi = BinaryPrimitives.ReadUInt64BigEndian(b);
        var lo = BinaryPrimitives.ReadUInt64BigEndian(b.AsSpan(8));
        if (hi == 0 && lo == 0) return AddressCategory.Unspecified;
        if (hi == 0 && lo == 1) return AddressCategory.Loopback;
        if (EmbeddedV4(b) is { } v4) return ClassifyV4(v4);
        if (hi == 0x0100000000000000) return AddressCategory.Reserved;          // 100::/64 discard
        if (hi >> 32 == 0x20010DB8) return AddressCategory.Documentation;      // 2001:db8::/32
        if (hi >> 44 == 0x3FFF0) return AddressCategory.Documentation;         // 3fff::/20
        if (hi >> 16 == 0x200100020000) return AddressCategory.Benchmarking;   // 2001:2::/48
        if (hi >> 36 == 0x2001001) return AddressCategory.Reserved;            // 2001:10::/28 ORCHID
        var first = b[0];
        if (first == 0xFF) return AddressCategory.Multicast;
        if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return AddressCategory.LinkLocal;  // fe80::/10
        if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return AddressCategory.SiteLocal;  // fec0::/10
        if ((first & 0xFE) == 0xFC) return AddressCategory.UniqueLocal;                // fc00::/7
        if ((first & 0xE0) == 0x20) return AddressCategory.Public;                     // 2000::/3 global unicast
        return AddressCategory.Reserved;
    }
}
