using System.Diagnostics;
using Hub.Chaos.Tests.Support;
using Hub.Testing;

namespace Hub.Chaos.Tests;

/// <summary>
/// Upstreams that misbehave mid-body: one stalls once (headers and 40 %, then silence), one resets the connection
/// twice, one stalls every time. The engine's rules: a silence longer than the read timeout or a reset is resumed
/// with Range (up to 3 times in a row without progress), then the job retries, then fails with <c>timeout</c>.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class UpstreamFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "hub-chaos-up-" + Guid.NewGuid().ToString("N")[..10]);
    private string _connectionString = "";
    private MediaSite _site = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync("chaosup");
        _site = await MediaSite.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(_connectionString);
        try { Directory.Delete(_dataDir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    [Fact]
    public async Task StallAndReset_AreResumed_AlwaysStalling_FailsAsTimeout()
    {
        var started = Stopwatch.StartNew();
        _site.BytesPerSecond = 1_000_000;
        var stallOnce = await _site.AddAsync("stall-once.mp4", 2_000_000);
        var resetTwice = await _site.AddAsync("reset-twice.mp4", 2_000_000);
        var stallAlways = await _site.AddAsync("stall-always.mp4", 2_000_000);
        _site.Faults = (name, get) => name switch
        {
            "stall-once.mp4" when get == 1 => (UpstreamFault.Stall, 0.4),
            "reset-twice.mp4" when get <= 2 => (UpstreamFault.Reset, 0.3 * get),
            "stall-always.mp4" => (UpstreamFault.Stall, 0.3),
            _ => (UpstreamFault.None, 0),
        };
        var invariants = new Invariants(_connectionString, _dataDir);
        var port = HubProcess.FreePort();
        var log = new StatusLog();
        await using var serve = await ServeProcess.StartAsync(port, ServeProcess.Env(_connectionString, _dataDir, new Dictionary<string, string?>
        {
            ["Hub__Network__ReadTimeoutSeconds"] = "2",
            ["Hub__Jobs__MaxAttempts"] = "2",
        }));
        var api = log.Client(new Uri($"http://127.0.0.1:{port}"), await ServeProcess.FirstTokenAsync(serve));
        var ids = new Dictionary<string, Guid>();
        foreach (var url in new[] { stallOnce, resetTwice, stallAlways })
        {
            ids[url] = await ServeProcess.ImportAsync(api, url);
        }
        var ends = new Dictionary<string, (string? State, string? ErrorKind, string? Error)>();
        try
        {
            foreach (var (url, id) in ids)
            {
                ends[url] = await JobApi.WaitForEndAsync(api, id, TimeSpan.FromSeconds(120));
            }
        }
        catch (TimeoutException ex)
        {
            var stderr = serve.Stderr + serve.Stdout;
            throw new TimeoutException($"{ex.Message}\n{await invariants.DescribeAsync()}\nGETs: {string.Join(", ", ids.Keys.Select(u => _site.Gets(Path.GetFileName(new Uri(u).AbsolutePath))))}"
                + $"\nserve log (tail):\n{stderr[Math.Max(0, stderr.Length - 4000)..]}");
        }

        // Bytes needed: the two files that completed; the one that never could is counted apart.
        var needed = _site.Bytes("stall-once.mp4").Length + _site.Bytes("reset-twice.mp4").Length;
        var figures = new Figures("upstream stalls / resets mid-body")
        {
            Jobs = 3, Faults = _site.FaultsInjected, Statuses = log.Summary(), Elapsed = started.Elapsed,
            BytesServed = _site.BytesServed - ServedFor("stall-always.mp4"), BytesNeeded = needed,
            Outcome = string.Join(", ", ends.Select(e => $"{Path.GetFileNameWithoutExtension(new Uri(e.Key).AbsolutePath)}: {e.Value.State}"
                + (e.Value.ErrorKind is { } k ? $" ({k})" : ""))),
        };
        ChaosReport.Add(figures, output);

        Assert.True(ends[stallOnce].State == "completed", $"stall once: {ends[stallOnce]}");
        Assert.True(ends[resetTwice].State == "completed", $"reset twice: {ends[resetTwice]}");
        Assert.True(ends[stallAlways] is { State: "failed", ErrorKind: "timeout" }, $"stall always: {ends[stallAlways]}");
        Assert.Contains("sent nothing", ends[stallAlways].Error);
        await invariants.AssertAllAsync(new Dictionary<string, string> { [stallOnce] = "completed", [resetTwice] = "completed", [stallAlways] = "failed" });
        log.AssertNoServerErrors();
        Assert.True(_site.RangeGets >= 3, $"only {_site.RangeGets} resumes with Range");
        Assert.True(figures.ReFetched <= figures.BytesNeeded / 10, $"re-fetched {figures.ReFetched:N0} of {figures.BytesNeeded:N0} bytes");
        foreach (var name in new[] { "stall-once.mp4", "reset-twice.mp4" })
        {
            var path = await invariants.ScalarAsync<string>("SELECT file_path FROM entries WHERE source_url LIKE '%' || $1", name);
            Assert.Equal(_site.Bytes(name), await File.ReadAllBytesAsync(path));
        }
    }

    private long ServedFor(string name) => _site.ServedOf(name);
}
