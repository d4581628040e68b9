using Hub.Domain.Imports;

namespace Hub.Domain.Engines;

/// <summary>
/// The one place that chooses a prober or an engine: by what each says it takes, in registration order, never by name.
/// Uploads are not here: <see cref="Upload.UploadEngine"/> takes over a file already on disk, there is nothing to choose.
/// </summary>
public sealed class EngineRegistry(IEnumerable<ISourceProber> probers, IEnumerable<IDownloadEngine> engines)
{
    private readonly IReadOnlyList<ISourceProber> _probers = probers.ToList();
    private readonly IReadOnlyList<IDownloadEngine> _engines = engines.ToList();

    public async Task<ProbeResult> ProbeAsync(Uri url, CancellationToken cancellationToken)
    {
        foreach (var prober in _probers)
        {
            if (prober.CanProbe(url) && await prober.ProbeAsync(url, cancellationToken).ConfigureAwait(false) is { } result)
            {
                return result;
            }
        }
        throw Unsupported(url);
    }

    public IDownloadEngine EngineFor(ImportSource source) =>
        _engines.FirstOrDefault(e => e.CanHandle(source)) ?? throw Unsupported(source.Url);

    private static ImportFailedException Unsupported(Uri url) =>
        ImportFailedException.Permanent("unsupported-url", $"Hub has no engine for {url.Scheme} links like this one.");
}
