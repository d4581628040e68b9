using System.Diagnostics;
using Hub.Chaos.Tests.Support;
using Hub.Testing;

namespace Hub.Chaos.Tests;

/// <summary>
/// kill -9 of <c>hub serve</c> and of <c>hub worker</c> in the middle of a paced download: the job resumes with Range
/// from what reached the disk, completes once, and at most 10 % of the file is fetched twice.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ProcessKillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "hub-chaos-kill-" + Guid.NewGuid().ToString("N")[..10]);
    private string _connectionString = "";
    private MediaSite _site = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync("chaoskill");
        _site = await MediaSite.StartAsync();
        _site.BytesPerSecond = 250_000;
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(_connectionString);
        try { Directory.Delete(_dataDir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    [Fact]
    public async Task ServeKilledMidDownload_RestartedServeResumesWithRange_OneEntry()
    {
        var started = Stopwatch.StartNew();
        var figures = new Figures("kill -9 hub serve mid-download");
        var url = await _site.AddAsync("serve-kill.mp4", 4_000_000);
        var invariants = new Invariants(_connectionString, _dataDir);
        var env = ServeProcess.Env(_connectionString, _dataDir);
        var port = HubProcess.FreePort();
        var log = new StatusLog();

        Guid jobId;
        string token;
        await using (var first = await ServeProcess.StartAsync(port, env))
        {
            token = await ServeProcess.FirstTokenAsync(first);
            var api = log.Client(new Uri($"http://127.0.0.1:{port}"), token);
            jobId = await ServeProcess.ImportAsync(api, url);
            await WaitForBytesAsync(invariants, jobId, 1_200_000);
            first.Kill();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
            figures.Faults++;
            await ServeProcess.PokeAsync(api, $"/api/v1/jobs/{jobId}"); // nobody home: no-answer, not a 5xx
        }

        // The successor on the same host sees its predecessor is dead and takes the job back at once.
        await using var second = await ServeProcess.StartAsync(port, env);
        var client = log.Client(new Uri($"http://127.0.0.1:{port}"), token);
        var end = await JobApi.WaitForEndAsync(client, jobId, TimeSpan.FromSeconds(120));
        Assert.True(end.State == "completed", $"{end.State}: {end.ErrorKind} {end.Error}");

        await AssertResumedAsync(invariants, [url], figures, log, started);
    }

    [Fact]
    public async Task WorkerKilledMidDownload_AnotherProcessResumesWithRange_OneEntry()
    {
        var started = Stopwatch.StartNew();
        var figures = new Figures("kill -9 hub worker mid-download");
        _site.BytesPerSecond = 300_000;
        var url = await _site.AddAsync("worker-kill.mp4", 8_000_000);
        var invariants = new Invariants(_connectionString, _dataDir);
        var env = ServeProcess.Env(_connectionString, _dataDir);
        var log = new StatusLog();

        // The upstream holds the transfer at 30 % until the serve below is up, so the kill lands mid-download on
        // any machine; the read timeout is raised so the hold is not taken for a stalled server.
        _site.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        env["Hub__Network__ReadTimeoutSeconds"] = "300";
        await using var worker = HubProcess.Start(["worker"], env);
        var enqueue = await HubProcess.RunAsync(["import", url], env, TimeSpan.FromSeconds(120));
        Assert.True(enqueue.ExitCode == 0, enqueue.Stderr);
        var jobId = Guid.Parse(enqueue.Stdout.Split(' ')[1]);
        await WaitForBytesAsync(invariants, jobId, 1);

        // A serve joins while the worker holds the job (so the worker is the one downloading), then the worker dies:
        // the serve's reaper finds the lease expired and its own workers resume the download.
        var port = HubProcess.FreePort();
        await using var serve = await ServeProcess.StartAsync(port, env);
        var api = log.Client(new Uri($"http://127.0.0.1:{port}"), await ServeProcess.FirstTokenAsync(serve));
        _site.Hold.SetResult();
        await WaitForBytesAsync(invariants, jobId, 3_200_000);
        Assert.Equal("downloading", await invariants.ScalarAsync<string>("SELECT state FROM jobs WHERE id = $1", jobId));
        worker.Kill();
        await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));
        figures.Faults++;

        var end = await JobApi.WaitForEndAsync(api, jobId, TimeSpan.FromSeconds(120));
        Assert.True(end.State == "completed", $"{end.State}: {end.ErrorKind} {end.Error}");
        await AssertResumedAsync(invariants, [url], figures, log, started);
    }

    private static Task WaitForBytesAsync(Invariants invariants, Guid jobId, long bytes) =>
        Wait.UntilAsync(async () => await invariants.ScalarAsync<long>("SELECT bytes_done FROM jobs WHERE id = $1", jobId) >= bytes,
            $"job {jobId} to have {bytes:N0} bytes", TimeSpan.FromSeconds(120));

    private async Task AssertResumedAsync(Invariants invariants, string[] urls, Figures figures, StatusLog log, Stopwatch started)
    {
        figures.Jobs = urls.Length;
        figures.BytesServed = _site.BytesServed;
        figures.BytesNeeded = _site.Needed;
        figures.Statuses = log.Summary();
        figures.Elapsed = started.Elapsed;
        figures.Outcome = $"completed; {_site.RangeGets} Range GET(s)";
        ChaosReport.Add(figures, output);

        await invariants.AssertAllAsync(urls);
        log.AssertNoServerErrors();
        Assert.True(_site.RangeGets >= 1, "the download started again from byte 0 instead of resuming");
        Assert.True(figures.ReFetched <= figures.BytesNeeded / 10, $"re-fetched {figures.ReFetched:N0} of {figures.BytesNeeded:N0} bytes (> 10 %)");
        var path = await invariants.ScalarAsync<string>("SELECT file_path FROM entries");
        Assert.Equal(_site.Bytes(Path.GetFileName(new Uri(urls[0]).AbsolutePath)), await File.ReadAllBytesAsync(path));
    }
}
