using Hub.Domain.Imports;

namespace Hub.Domain.Engines.Torrent;

/// <summary>
/// What a magnet link is, without asking the swarm: its name and info hash. The file list needs the metadata from peers
/// (seconds to minutes), so the download step fetches it and reports the torrent's real name and size then.
/// </summary>
public sealed class MagnetProber(Microsoft.Extensions.Options.IOptions<HubOptions> options) : ISourceProber
{
    public bool CanProbe(Uri url) => url.Scheme == "magnet";

    public Task<ProbeResult?> ProbeAsync(Uri url, CancellationToken cancellationToken)
    {
        TorrentEngine.EnsureEnabled(options.Value);
        var magnet = MagnetLink.TryParse(url.OriginalString)
            ?? throw ImportFailedException.Permanent("invalid-url", "This magnet link has no BitTorrent info hash (xt=urn:btih:…).");
        return Task.FromResult<ProbeResult?>(new ProbeResult
        {
            Url = url.OriginalString,
            Engine = "torrent",
            Kind = SourceKind.Torrent,
            Title = magnet.Name ?? "Torrent " + magnet.InfoHash[..8],
            Platform = "bittorrent",
            SourceId = magnet.InfoHash,
        });
    }

    /// <summary>The door check for magnet links (they have no host for the URL guard): a v1 info hash, and torrents turned on.</summary>
    public static Uri Check(string url, HubOptions hub)
    {
        if (!hub.Torrents.Enabled)
        {
            throw new HubValidationException("url", "Torrents are turned off on this Hub (Hub:Torrents:Enabled).");
        }
        if (url.Length > Net.UrlGuard.MaxUrlLength || MagnetLink.TryParse(url) is null || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            throw new HubValidationException("url", "This magnet link has no BitTorrent info hash (xt=urn:btih: and 40 hex or 32 base32 characters).");
        }
        return uri;
    }
}
