using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Hub.Domain.Net;

/// <summary>
/// One entry of <c>Hub:Network:Allow</c> or <c>Hub:Network:Deny</c>: a CIDR block and optionally one port.
/// Spellings: <c>192.168.1.0/24</c>, <c>127.0.0.1/32:5432</c>, <c>fd00::/8</c>, <c>[fd00::/8]:443</c>; a bare address
/// (<c>192.168.1.20</c>, <c>[::1]:8080</c>) means that one address.
/// </summary>
public sealed record NetworkRule(IPAddress Network, int PrefixLength, int? Port)
{
    public static bool TryParse(string? text, out NetworkRule rule, out string error)
    {
        rule = null!;
        var t = (text ?? "").Trim();
        string block;
        string? port = null;
        if (t.StartsWith('['))
        {
            var close = t.IndexOf(']');
            if (close < 0 || (close + 1 < t.Length && t[close + 1] != ':'))
            {
                error = "expected [address/prefix]:port";
                return false;
            }
            block = t[1..close];
            port = close + 1 < t.Length ? t[(close + 2)..] : null;
        }
        else if (t.Count(c => c == ':') == 1)
        {
            // One colon can only be IPv4 with a port; IPv6 with a port must use brackets.
            var colon = t.IndexOf(':');
            (block, port) = (t[..colon], t[(colon + 1)..]);
        }
        else
        {
            block = t;
        }
        var slash = block.IndexOf('/');
        var addressText = slash < 0 ? block : block[..slash];
        // Only dotted-quad IPv4 or IPv6 here: IPAddress.Parse would also take "10" or "0x0a.1", which no operator means.
        if (!IPAddress.TryParse(addressText, out var address)
            || address.AddressFamily == AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3)
        {
            error = $"'{addressText}' is not an IP address";
            return false;
        }
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(block[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits))
        {
            error = $"the prefix length must be 0 to {bits}";
            return false;
        }
        int? portNumber = null;
        if (port is not null)
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            {
                error = "the port must be 1 to 65535";
                return false;
            }
            portNumber = p;
        }
        rule = new NetworkRule(Mask(address, prefix), prefix, portNumber);
        error = "";
        return true;
    }

    public bool Matches(IPAddress address, int port)
    {
        if (Port is { } p && p != port || address.AddressFamily != Network.AddressFamily)
        {
            return false;
        }
        return Mask(address, PrefixLength).Equals(Network);
    }

    public override string ToString()
    {
        var block = $"{Network}/{PrefixLength}";
        return Port is not { } p ? block : Network.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{block}]:{p}" : $"{block}:{p}";
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new IPAddress(bytes);
    }
}

/// <summary>
/// The one decision "may Hub connect to this address and port", shared by the HTTP engine (at connect time) and the
/// egress proxy every yt-dlp run goes through. Order: addresses refused always (link-local, cloud metadata, unspecified,
/// 0.0.0.0/8, multicast, broadcast) stay refused; then Deny; then Allow; then the category and AllowPrivateNetworks.
/// Rules match the IPv4 address an IPv6 spelling leads to (v4-mapped, NAT64, 6to4, ...), like the classifier.
/// </summary>
public sealed class NetworkPolicy
{
    private readonly bool _allowPrivate;
    private readonly NetworkRule[] _allow;
    private readonly NetworkRule[] _deny;

    public NetworkPolicy(bool allowPrivate, IEnumerable<NetworkRule> allow, IEnumerable<NetworkRule> deny)
    {
        _allowPrivate = allowPrivate;
        _allow = [.. allow];
        _deny = [.. deny];
    }

    /// <summary>Builds the policy from the options; throws <see cref="ArgumentException"/> naming the first bad entry.</summary>
    public static NetworkPolicy From(NetworkOptions options)
    {
        var errors = Validate(options).ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors));
        }
        return new NetworkPolicy(options.AllowPrivateNetworks, Parse(options.Allow), Parse(options.Deny));
    }

    /// <summary>The configuration mistakes in the lists, each naming its key and entry; empty when fine.</summary>
    public static IEnumerable<string> Validate(NetworkOptions options)
    {
        foreach (var (key, list) in new[] { ("Hub:Network:Allow", options.Allow), ("Hub:Network:Deny", options.Deny) })
        {
            foreach (var entry in Split(list))
            {
                if (!NetworkRule.TryParse(entry, out _, out var error))
                {
                    yield return $"{key} entry '{entry}' is not CIDR[:port] ({error}); examples: 192.168.1.20/32, 127.0.0.1/32:5432, [fd00::/8]:443.";
                }
            }
        }
    }

    /// <summary>Null when the connection is allowed, else why not (a phrase that completes "'host' resolves to ADDRESS, ...").</summary>
    public string? Refusal(IPAddress address, int port)
    {
        var category = AddressClassifier.Classify(address);
        if (IsNeverAllowed(category))
        {
            return $"{Describe(category)} address; such addresses are never fetched";
        }
        var effective = AddressClassifier.EffectiveAddress(address);
        if (_deny.FirstOrDefault(r => r.Matches(address, port) || r.Matches(effective, port)) is { } deny)
        {
            return $"which Hub:Network:Deny refuses on port {port} (entry {deny})";
        }
        if (_allow.Any(r => r.Matches(address, port) || r.Matches(effective, port)) || AddressClassifier.IsAllowed(category, _allowPrivate))
        {
            return null;
        }
        if (_allow.Where(r => r.Port is not null && (r with { Port = port }).Matches(effective, port)).ToList() is { Count: > 0 } otherPorts)
        {
            var ports = string.Join(", ", otherPorts.Select(r => r.Port).Distinct());
            return $"{Describe(category)} address; Hub:Network:Allow opens it on port{(otherPorts.Count > 1 ? "s" : "")} {ports} only "
                + $"(entr{(otherPorts.Count > 1 ? "ies" : "y")} {string.Join(", ", otherPorts)}), not on port {port}";
        }
        return AddressClassifier.IsAllowed(category, allowPrivate: true)
            ? $"{Describe(category)} address; set Hub:Network:AllowPrivateNetworks or list it in Hub:Network:Allow to allow it"
            : $"{Describe(category)} address; list it in Hub:Network:Allow to allow it";
    }

    /// <summary>What no list can open: the machine itself under another name, the link and the cloud's metadata service.</summary>
    public static bool IsNeverAllowed(AddressCategory category) => category is AddressCategory.LinkLocal or AddressCategory.CloudMetadata
        or AddressCategory.Unspecified or AddressCategory.ThisNetwork or AddressCategory.Multicast or AddressCategory.Broadcast;

    private static string Describe(AddressCategory category) => category switch
    {
        AddressCategory.CloudMetadata => "a cloud metadata",
        AddressCategory.LinkLocal => "a link-local",
        AddressCategory.CarrierNat => "a carrier-grade NAT",
        AddressCategory.UniqueLocal => "a unique-local",
        AddressCategory.SiteLocal => "a site-local",
        AddressCategory.ThisNetwork => "a 'this network' (0.0.0.0/8)",
        AddressCategory.Unspecified => "an unspecified",
        _ => "a " + category.ToString().ToLowerInvariant(),
    };

    private static IEnumerable<string> Split(IEnumerable<string>? list) =>
        (list ?? []).SelectMany(e => (e ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static IEnumerable<NetworkRule> Parse(IEnumerable<string> list) =>
        Split(list).Select(e => NetworkRule.TryParse(e, out var rule, out _) ? rule : throw new UnreachableException("validated above"));
}
