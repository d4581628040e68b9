using Microsoft.Extensions.Options;

namespace Hub.Domain.Net;

/// <summary>The <c>Hub:Network</c> section: what outbound fetches of user-supplied URLs may reach.</summary>
public sealed class NetworkOptions
{
    /// <summary>
    /// Allows loopback, RFC 1918, CGNAT (100.64/10) and IPv6 unique-local targets. Off by default so a URL pasted into a
    /// chat cannot make Hub probe its own network; home LANs and tests turn it on. Link-local, cloud metadata, multicast,
    /// broadcast, unspecified, reserved and documentation addresses stay blocked regardless.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// <c>CIDR[:port]</c> entries that may be reached even when <see cref="AllowPrivateNetworks"/> is off (the NAS at
    /// <c>192.168.1.20/32</c>). Link-local, cloud metadata, unspecified, multicast and broadcast stay refused.
    /// </summary>
    public List<string> Allow { get; set; } = [];

    /// <summary><c>CIDR[:port]</c> entries never reached (the router at <c>192.168.1.1/32</c>, <c>127.0.0.1/32:5432</c>); deny wins over allow.</summary>
    public List<string> Deny { get; set; } = [];

    /// <summary>How many redirects one fetch may follow; each hop is checked again.</summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Largest file a direct download may produce unless the request sets a lower limit (default 20 GiB).</summary>
    public long MaxDownloadBytes { get; set; } = 20L * 1024 * 1024 * 1024;

    public int ConnectTimeoutSeconds { get; set; } = 15;

    /// <summary>How long response headers may take to arrive.</summary>
    public int ResponseTimeoutSeconds { get; set; } = 60;

    /// <summary>How long a body may stay silent before the transfer counts as stalled.</summary>
    public int ReadTimeoutSeconds { get; set; } = 60;

    public string UserAgent { get; set; } = "Hub/1.0";
}

/// <summary>Checks <c>Hub:Network:Allow</c>/<c>Deny</c> at start, so a typo stops Hub with the bad entry named instead of at the first import.</summary>
public sealed class NetworkOptionsValidator : IValidateOptions<HubOptions>
{
    public ValidateOptionsResult Validate(string? name, HubOptions options)
    {
        var errors = NetworkPolicy.Validate(options.Network).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
