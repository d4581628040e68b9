using Hub.Domain.Engines;
using Hub.Domain.Engines.Http;
using Hub.Domain.Engines.YtDlp;
using Hub.Domain.Imports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Domain.Tests.Engines;

/// <summary>Engines and probers are chosen by what each says it takes, in registration order, never by name.</summary>
public sealed class EngineRegistryTests : IDisposable
{
    private readonly ServiceProvider _services = Services(_ => { });

    private static ServiceProvider Services(Action<IServiceCollection> before)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Hub:DataDir"] = Path.GetTempPath() }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(config);
        before(services);
        services.AddHubDomain(config);
        return services.BuildServiceProvider();
    }

    public void Dispose() => _services.Dispose();

    private IDownloadEngine EngineFor(string url, SourceKind kind) =>
        _services.GetRequiredService<EngineRegistry>().EngineFor(new ImportSource(new Uri(url), kind));

    [Fact]
    public void EngineFor_DirectFile_IsTheHttpEngine() =>
        Assert.IsType<HttpDownloadEngine>(EngineFor("https://example.org/a.mp4", SourceKind.DirectFile));

    [Fact]
    public void EngineFor_SitePage_IsYtDlp() =>
        Assert.IsType<YtDlpEngine>(EngineFor("https://example.org/watch?v=1", SourceKind.SitePage));

    [Fact]
    public void EngineFor_UnknownKind_FallsBackToYtDlp() =>
        Assert.IsType<YtDlpEngine>(EngineFor("https://example.org/a.mp4", SourceKind.Unknown));

    [Fact]
    public void EngineFor_MagnetOrTorrent_IsTheTorrentEngine()
    {
        Assert.IsType<Hub.Domain.Engines.Torrent.TorrentEngine>(EngineFor("magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567", SourceKind.Unknown));
        Assert.IsType<Hub.Domain.Engines.Torrent.TorrentEngine>(EngineFor("https://example.org/x.torrent", SourceKind.Torrent));
    }

    [Fact]
    public void EngineFor_SchemeNoEngineTakes_FailsAsUnsupported()
    {
        var ex = Assert.Throws<ImportFailedException>(() => EngineFor("ftp://example.org/a.mp4", SourceKind.Unknown));
        Assert.Equal("unsupported-url", ex.Type);
        Assert.False(ex.Transient);
    }

    [Fact]
    public void EngineFor_EngineRegisteredEarlier_WinsForTheSourcesItTakes()
    {
        var extra = new OnlyFtpEngine();
        using var services = Services(s => s.AddSingleton<IDownloadEngine>(extra));
        var registry = services.GetRequiredService<EngineRegistry>();
        Assert.Same(extra, registry.EngineFor(new ImportSource(new Uri("ftp://example.org/a.mp4"), SourceKind.DirectFile)));
        Assert.IsType<HttpDownloadEngine>(registry.EngineFor(new ImportSource(new Uri("https://example.org/a.mp4"), SourceKind.DirectFile)));
    }

    [Fact]
    public async Task ProbeAsync_ProberDeclining_AsksTheNextOne_AndSkipsThoseThatCannotProbe()
    {
        var notHttp = new FakeProber(canProbe: false, answer: Result("never"));
        var declines = new FakeProber(canProbe: true, answer: null);
        var answers = new FakeProber(canProbe: true, answer: Result("second"));
        var registry = new EngineRegistry([notHttp, declines, answers], []);

        var result = await registry.ProbeAsync(new Uri("https://example.org/page"), CancellationToken.None);

        Assert.Equal("second", result.Engine);
        Assert.Equal(0, notHttp.Calls);
        Assert.Equal(1, declines.Calls);
    }

    [Fact]
    public async Task ProbeAsync_NoProberAnswers_FailsAsUnsupported()
    {
        var registry = new EngineRegistry([new FakeProber(canProbe: true, answer: null)], []);
        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => registry.ProbeAsync(new Uri("https://example.org/x"), CancellationToken.None));
        Assert.Equal("unsupported-url", ex.Type);
    }

    [Fact]
    public void Registration_ProbersInCheapestFirstOrder()
    {
        var probers = _services.GetServices<ISourceProber>().Select(p => p.GetType()).ToList();
        // The magnet prober answers without a request, but only for magnet links, which the others never take.
        Assert.Equal([typeof(HttpProbe), typeof(YtDlpProber), typeof(Hub.Domain.Engines.Torrent.MagnetProber)], probers);
    }

    private static ProbeResult Result(string engine) => new() { Url = "https://example.org/page", Engine = engine };

    private sealed class FakeProber(bool canProbe, ProbeResult? answer) : ISourceProber
    {
        public int Calls { get; private set; }

        public bool CanProbe(Uri url) => canProbe;

        public Task<ProbeResult?> ProbeAsync(Uri url, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(answer);
        }
    }

    private sealed class OnlyFtpEngine : IDownloadEngine
    {
        public string Name => "ftp";

        public bool CanHandle(ImportSource source) => source.Url.Scheme == "ftp";

        public Task<DownloadResult> DownloadAsync(DownloadRequest request, IProgress<DownloadProgress> progress, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
