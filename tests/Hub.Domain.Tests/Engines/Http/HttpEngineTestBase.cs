using System.Diagnostics;
using System.Security.Cryptography;
using Hub.Domain.Engines;
using Hub.Domain.Engines.Http;
using Hub.Domain.Imports;
using Hub.Domain.Net;
using Hub.Domain.Tests.Net;
using Hub.Testing;

namespace Hub.Domain.Tests.Engines.Http;

/// <summary>A loopback server, a guarded client with private networks allowed, and a work folder per test.</summary>
public abstract class HttpEngineTestBase : IAsyncLifetime
{
    protected LoopbackServer _server = null!;
    protected GuardedHttp _http = null!;
    protected readonly string _workDir = Path.Combine(Path.GetTempPath(), "hub-http-test-" + Guid.NewGuid().ToString("N")[..12]);

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync();
        _http = new GuardedHttp(new UrlGuard(new NetworkOptions { AllowPrivateNetworks = true }, new FakeHostResolver()));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        if (Directory.Exists(_workDir))
        {
            Directory.Delete(_workDir, recursive: true);
        }
    }

    protected HttpDownloadEngine Engine() => new(_http, TimeProvider.System);

    protected Task<DownloadResult> DownloadAsync(string path, long? maxBytes = null, IProgress<DownloadProgress>? progress = null, CancellationToken ct = default) =>
        Engine().DownloadAsync(new DownloadRequest(_server.Url(path), _workDir, FormatPresets.VideoBest, maxBytes, null),
            progress ?? new ProgressLog(), ct);

    protected static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    protected static long ResumeOffset(RecordedRequest request)
    {
        var range = request.Headers["Range"];
        Assert.Matches("^bytes=[0-9]+-$", range);
        return long.Parse(range["bytes=".Length..^1]);
    }

    protected static byte[] RandomBytes(int size, int seed)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }
}
