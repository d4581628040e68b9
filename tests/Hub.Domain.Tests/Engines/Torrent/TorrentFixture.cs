using Hub.Domain.Tests.Imports;

namespace Hub.Domain.Tests.Engines.Torrent;

/// <summary>The import pipeline with torrents on: aria2 peers only on loopback, short stall and metadata limits.</summary>
public sealed class TorrentFixture : PipelineFixture
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var s = base.Settings;
            s["Hub:Torrents:Dht"] = "false";
            s["Hub:Torrents:Interface"] = "127.0.0.1";
            s["Hub:Torrents:StallSeconds"] = "3";
            s["Hub:Torrents:MetadataTimeoutSeconds"] = "60";
            s["Hub:Torrents:MinMediaFileBytes"] = "10000";
            return s;
        }
    }
}
