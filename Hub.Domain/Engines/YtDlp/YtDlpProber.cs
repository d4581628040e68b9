using Hub.Domain.Engines.Http;
using Hub.Domain.Imports;

namespace Hub.Domain.Engines.YtDlp;

/// <summary>Probes web pages through yt-dlp: asked after the HTTP probe has found the URL is not a direct file.</summary>
public sealed class YtDlpProber(YtDlpClient client) : ISourceProber
{
    public bool CanProbe(Uri url) => HttpProbe.IsHttp(url);

    public async Task<ProbeResult?> ProbeAsync(Uri url, CancellationToken cancellationToken) =>
        await client.ProbeAsync(url, cancellationToken).ConfigureAwait(false);
}
