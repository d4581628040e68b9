using Hub.Domain.Imports;
using Hub.Domain.Net;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Engines.Torrent;

/// <summary>
/// A torrent's trackers meet the network guard like any URL a person sends, when the torrent is added: every address
/// their names resolve to must be allowed, or aria2 is told not to contact them. aria2 1.36 sends tracker requests
/// directly, never through a proxy (checked: neither http_proxy nor --all-proxy carries them), so this check is at add
/// time, not per connection. Peers are not covered at all: they come from trackers and DHT at addresses nobody chose,
/// and BitTorrent needs them (README, "What the guard cannot cover").
/// </summary>
public sealed class TrackerGuard(UrlGuard guard, IOptions<HubOptions> options)
{
    /// <summary>The trackers Hub will not contact, each with the reason.</summary>
    public async Task<IReadOnlyList<(string Tracker, string Reason)>> RefusedAsync(IEnumerable<string> trackers, CancellationToken ct)
    {
        var refused = new List<(string, string)>();
        foreach (var tracker in trackers.Distinct(StringComparer.Ordinal))
        {
            if (await RefusalAsync(tracker, ct).ConfigureAwait(false) is { } why)
            {
                refused.Add((tracker, why));
            }
        }
        return refused;
    }

    private async Task<string?> RefusalAsync(string tracker, CancellationToken ct)
    {
        if (!Uri.TryCreate(tracker, UriKind.Absolute, out var uri) || uri.IdnHost.Length == 0)
        {
            return "not a tracker address";
        }
        try
        {
            switch (uri.Scheme)
            {
                case "http" or "https":
                    await guard.EnsureAllowedAsync(UrlGuard.Parse(tracker), ct).ConfigureAwait(false);
                    return null;
                case "udp" when !options.Value.Torrents.UdpTrackers:
                    return "UDP trackers are turned off (Hub:Torrents:UdpTrackers)";
                case "udp":
                    await guard.ResolveAllowedAsync(uri.IdnHost, uri.Port, ct).ConfigureAwait(false);
                    return null;
                default:
                    return $"'{uri.Scheme}:' trackers are not supported";
            }
        }
        catch (ImportFailedException ex) when (!ex.Transient)
        {
            return ex.Message;
        }
        catch (ImportFailedException ex)
        {
            return "its name does not resolve now (" + ex.Message + ")";
        }
    }
}
