using System.Text.Json.Serialization;

namespace Hub.Domain.Engines;

/// <summary>What a source is, as far as choosing an engine goes: probers say it, engines declare which kinds they take.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SourceKind>))]
public enum SourceKind
{
    /// <summary>Not probed (or probed before probes said their kind): only an engine that copes with anything takes it.</summary>
    Unknown,
    /// <summary>A URL that answers with the media file itself.</summary>
    DirectFile,
    /// <summary>A web page (a video site, a page with a player, a streaming playlist).</summary>
    SitePage,
    /// <summary>A magnet link or a .torrent file (fetched by aria2).</summary>
    Torrent,
}
