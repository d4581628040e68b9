using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Chaos.Tests.Support;
using Hub.Testing;

namespace Hub.Chaos.Tests;

/// <summary>
/// PostgreSQL goes away under a running <c>hub serve</c> in the middle of an import: stopped with
/// <c>pg_ctl -m immediate</c> for 30 s then started again, and (embedded cluster) its postmaster killed. Hub answers
/// 503 meanwhile (never 500), keeps what it downloaded, and finishes the import once the database is back.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class DatabaseOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "hub-chaos-db-" + Guid.NewGuid().ToString("N")[..10]);
    private MediaSite _site = null!;

    public async Task InitializeAsync()
    {
        _site = await MediaSite.StartAsync();
        _site.BytesPerSecond = 300_000;
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (DirectoryNotFoundException) { } catch (IOException) { }
    }

    [Fact]
    public async Task PostgresStoppedFor30sMidImport_Answers503_ThenCompletesWithoutFetchingAgain()
    {
        var started = Stopwatch.StartNew();
        var figures = new Figures("PostgreSQL stopped 30 s (-m immediate)");
        await using var cluster = await PrivateCluster.StartAsync();
        var url = await _site.AddAsync("outage.mp4", 3_000_000);
        var invariants = new Invariants(cluster.ConnectionString, _dataDir);
        var port = HubProcess.FreePort();
        var log = new StatusLog();
        await using var serve = await ServeProcess.StartAsync(port, ServeProcess.Env(cluster.ConnectionString, _dataDir));
        var api = log.Client(new Uri($"http://127.0.0.1:{port}"), await ServeProcess.FirstTokenAsync(serve));
        var jobId = await ServeProcess.ImportAsync(api, url);
        await Wait.UntilAsync(async () => await invariants.ScalarAsync<long>("SELECT bytes_done FROM jobs WHERE id = $1", jobId) >= 600_000,
            "download under way", TimeSpan.FromSeconds(120));

        await cluster.StopImmediatelyAsync();
        figures.Faults++;
        var live = new StatusLog();
        var probe = live.Client(new Uri($"http://127.0.0.1:{port}"), null);
        try
        {
            // 30 s without a database, asking all along; the download (10 s) finishes inside the outage.
            var until = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < until)
            {
                await Task.WhenAll(
                    ServeProcess.PokeAsync(api, $"/api/v1/jobs/{jobId}"),
                    ServeProcess.PokeAsync(api, "/api/v1/entries"),
                    ServeProcess.PokeAsync(api, "/health/ready"),
                    ServeProcess.PokeAsync(probe, "/health/live"));
                await Task.Delay(500);
            }
        }
        finally
        {
            await cluster.StartAgainAsync();
        }
        Assert.True(log.Count("503") > 0, "no 503 during the outage: " + log.Summary());
        Assert.True(live.Count("200") > 0 && live.Total == live.Count("200"), "/health/live during the outage: " + live.Summary());

        var end = await JobApi.WaitForEndAsync(api, jobId, TimeSpan.FromSeconds(120));
        WriteJobLog(serve, jobId);
        Finish(figures, log, started, $"{end.State}; live {live.Summary()}");
        Assert.True(end.State == "completed", $"{end.State}: {end.ErrorKind} {end.Error}");
        await invariants.AssertAllAsync([url]);
        log.AssertNoServerErrors();
        live.AssertNoServerErrors();
        Assert.True(figures.ReFetched <= figures.BytesNeeded / 10,
            $"re-fetched {figures.ReFetched:N0} of {figures.BytesNeeded:N0} bytes: the download finished during the outage was not kept");
    }

    [Fact]
    public async Task EmbeddedPostmasterKilledMidImport_IsRestarted_ImportCompletes()
    {
        var started = Stopwatch.StartNew();
        var figures = new Figures("embedded postmaster killed");
        var url = await _site.AddAsync("postmaster.mp4", 2_000_000);
        var port = HubProcess.FreePort();
        var log = new StatusLog();
        // No connection string: hub serve runs (and must supervise) its own private cluster under the data folder.
        await using var serve = await ServeProcess.StartAsync(port, ServeProcess.Env(null, _dataDir));
        var api = log.Client(new Uri($"http://127.0.0.1:{port}"), await ServeProcess.FirstTokenAsync(serve));
        var jobId = await ServeProcess.ImportAsync(api, url);
        await Wait.UntilAsync(async () => (await JobApi.GetAsync(api, jobId)).State == "downloading", "download under way", TimeSpan.FromSeconds(120));

        var pidFile = Path.Combine(_dataDir, "postgres", "cluster", "postmaster.pid");
        var killed = int.Parse(File.ReadLines(pidFile).First(), System.Globalization.CultureInfo.InvariantCulture);
        using (var postmaster = Process.GetProcessById(killed))
        {
            postmaster.Kill();
            postmaster.WaitForExit(10_000);
        }
        figures.Faults++;

        // Supervised: a new postmaster, the API back, and the restart visible in /health/ready.
        JsonElement database = default;
        await Wait.UntilAsync(async () =>
        {
            await ServeProcess.PokeAsync(api, $"/api/v1/jobs/{jobId}");
            using var ready = await api.GetAsync("/health/ready");
            if (!ready.IsSuccessStatusCode) return false;
            database = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("database");
            return database.TryGetProperty("data", out var data) && data.TryGetProperty("restarts", out var r) && r.GetInt32() >= 1;
        }, "the private PostgreSQL to be restarted and reported", TimeSpan.FromSeconds(90));
        Assert.NotEqual(killed, int.Parse(File.ReadLines(pidFile).First(), System.Globalization.CultureInfo.InvariantCulture));

        var end = await JobApi.WaitForEndAsync(api, jobId, TimeSpan.FromSeconds(120));
        WriteJobLog(serve, jobId);
        Finish(figures, log, started, $"{end.State}; database {database.GetProperty("data").GetProperty("state")}, restarts {database.GetProperty("data").GetProperty("restarts")}");
        Assert.True(end.State == "completed", $"{end.State}: {end.ErrorKind} {end.Error}");
        await new Invariants(EmbeddedConnectionString(pidFile), _dataDir).AssertAllAsync([url]);
        log.AssertNoServerErrors();
        Assert.True(figures.ReFetched <= figures.BytesNeeded / 10, $"re-fetched {figures.ReFetched:N0} of {figures.BytesNeeded:N0} bytes");
    }

    /// <summary>postmaster.pid names the port (line 4) and the socket folder (line 5) of the running cluster.</summary>
    private static string EmbeddedConnectionString(string pidFile)
    {
        var lines = File.ReadAllLines(pidFile);
        return $"Host={lines[4].Trim()};Port={lines[3].Trim()};Username=postgres;Database=hub";
    }

    /// <summary>What hub serve logged about the job and its leases: shown with a failure, to tell why it was fetched again.</summary>
    private void WriteJobLog(HubProcess serve, Guid jobId)
    {
        foreach (var line in serve.Stdout.Split('\n').Where(l => l.Contains(jobId.ToString(), StringComparison.OrdinalIgnoreCase)
                     || l.Contains("lease", StringComparison.OrdinalIgnoreCase) || l.Contains("back in line", StringComparison.Ordinal)))
        {
            output.WriteLine(line.TrimEnd());
        }
    }

    private void Finish(Figures figures, StatusLog log, Stopwatch started, string outcome)
    {
        figures.Jobs = 1;
        figures.BytesServed = _site.BytesServed;
        figures.BytesNeeded = _site.Needed;
        figures.Statuses = log.Summary();
        figures.Outcome = outcome;
        figures.Elapsed = started.Elapsed;
        ChaosReport.Add(figures, output);
    }
}
