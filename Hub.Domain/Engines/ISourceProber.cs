using Hub.Domain.Imports;

namespace Hub.Domain.Engines;

/// <summary>
/// Finds out what a URL is without downloading it. Probers are registered in order as <c>IEnumerable&lt;ISourceProber&gt;</c>
/// (cheap ones first: a HEAD request answers in milliseconds, yt-dlp takes about a second); <see cref="EngineRegistry"/>
/// asks each that <see cref="CanProbe"/> the URL until one answers.
/// </summary>
public interface ISourceProber
{
    /// <summary>Whether this prober looks at such URLs at all (by scheme, host, …), before any request.</summary>
    bool CanProbe(Uri url);

    /// <summary>What the URL is, or null when it turned out not to be this prober's kind of source (the next one is asked).</summary>
    Task<ProbeResult?> ProbeAsync(Uri url, CancellationToken cancellationToken);
}
