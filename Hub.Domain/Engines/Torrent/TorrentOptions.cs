namespace Hub.Domain.Engines.Torrent;

/// <summary>The <c>Hub:Torrents</c> section: magnet links and .torrent files, fetched by aria2.</summary>
public sealed class TorrentOptions
{
    /// <summary>The operator's switch: off refuses magnet links and .torrent files at every door with a clear message.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>An aria2 Hub does not start (e.g. <c>http://127.0.0.1:6800/jsonrpc</c>); empty: Hub runs its own on loopback.</summary>
    public string? RpcUrl { get; set; }

    /// <summary>The external aria2's <c>--rpc-secret</c>. Hub's own aria2 gets a random one per start.</summary>
    public string? RpcSecret { get; set; }

    /// <summary>The TCP port peers reach Hub's aria2 on (forward it on the router for better speeds); 0 lets aria2 pick from 6881–6999.</summary>
    public int ListenPort { get; set; }

    /// <summary>The address aria2 talks to peers from (e.g. a VPN interface's address or name); empty: every interface.</summary>
    public string? Interface { get; set; }

    /// <summary>The distributed hash table finds peers for magnet links without trackers. It bypasses the network guard (see README).</summary>
    public bool Dht { get; set; } = true;

    /// <summary>UDP trackers are checked by name when a torrent is added, but their traffic cannot pass the egress proxy.</summary>
    public bool UdpTrackers { get; set; } = true;

    /// <summary>Seed until this upload/download ratio after the download completes; 0 stops at completion (the default).</summary>
    public double SeedRatio { get; set; }

    /// <summary>
    /// Seed at most this long after the download completes; 0 means no time limit (then the ratio decides). While a job
    /// seeds it shows as seeding, and its files are filed into the library when seeding ends.
    /// </summary>
    public double SeedMinutes { get; set; }

    /// <summary>A download with no peer sending data for this long is stalled (and retried later).</summary>
    public int StallSeconds { get; set; } = 300;

    /// <summary>How long a magnet link may take to yield its file list.</summary>
    public int MetadataTimeoutSeconds { get; set; } = 300;

    /// <summary>Files smaller than this in a multi-file torrent are skipped (samples, extras); single-file torrents take their file.</summary>
    public long MinMediaFileBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest .torrent file accepted (they are small; a huge one is not a torrent).</summary>
    public long MaxTorrentFileBytes { get; set; } = 8 * 1024 * 1024;
}
