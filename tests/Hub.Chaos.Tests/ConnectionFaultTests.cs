using System.Diagnostics;
using System.Net.Http.Headers;
using Hub.Chaos.Tests.Support;
using Hub.Testing;
using Npgsql;

namespace Hub.Chaos.Tests;

/// <summary>
/// Hub's database connections fail under a running <c>hub serve</c>: every backend of its database terminated
/// (<c>pg_terminate_backend</c>) several times mid-run, and a small connection pool held up by requests blocked on a
/// lock. Answers are 2xx/4xx/503, the imports of the moment all complete once, and Hub recovers without a restart.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ConnectionFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "hub-chaos-conn-" + Guid.NewGuid().ToString("N")[..10]);
    private string _connectionString = "";
    private MediaSite _site = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync("chaosconn");
        _site = await MediaSite.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(_connectionString);
        try { Directory.Delete(_dataDir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    [Fact]
    public async Task EveryBackendTerminatedMidRun_ImportsCompleteOnce_No500()
    {
        var started = Stopwatch.StartNew();
        var figures = new Figures("pg_terminate_backend of all Hub connections");
        _site.BytesPerSecond = 250_000;
        var urls = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            urls.Add(await _site.AddAsync($"terminate-{i}.mp4", 1_000_000));
        }
        var invariants = new Invariants(_connectionString, _dataDir);
        var port = HubProcess.FreePort();
        var log = new StatusLog();
        await using var serve = await ServeProcess.StartAsync(port, ServeProcess.Env(_connectionString, _dataDir));
        var api = log.Client(new Uri($"http://127.0.0.1:{port}"), await ServeProcess.FirstTokenAsync(serve));
        var jobs = new List<Guid>();
        foreach (var url in urls)
        {
            jobs.Add(await ServeProcess.ImportAsync(api, url));
        }
        await Wait.UntilAsync(async () => await invariants.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE state = 'downloading'") > 0,
            "downloads under way", TimeSpan.FromSeconds(120));

        // Three rounds, a second and a half apart, asking the API in between.
        var database = new NpgsqlConnectionStringBuilder(_connectionString).Database!;
        for (var round = 0; round < 3; round++)
        {
            await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_connectionString) { Database = "postgres", Pooling = false }.ConnectionString))
            {
                await admin.OpenAsync();
                await using var kill = new NpgsqlCommand(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", admin);
                kill.Parameters.AddWithValue(database);
                figures.Faults += (int)(long)(await kill.ExecuteScalarAsync())!;
            }
            var until = DateTime.UtcNow.AddSeconds(1.5);
            while (DateTime.UtcNow < until)
            {
                await Task.WhenAll(jobs.Take(3).Select(j => ServeProcess.PokeAsync(api, $"/api/v1/jobs/{j}"))
                    .Append(ServeProcess.PokeAsync(api, "/api/v1/entries")));
                await Task.Delay(200);
            }
        }

        foreach (var job in jobs)
        {
            await JobApi.WaitForEndAsync(api, job, TimeSpan.FromSeconds(180));
        }
        // Still answering normally afterwards, without a restart.
        Assert.Equal(200, (int)(await api.GetAsync("/api/v1/entries")).StatusCode);
        Finish(figures, urls.Count, log, started);
        await invariants.AssertAllAsync(urls);
        log.AssertNoServerErrors();
        Assert.True(figures.ReFetched <= figures.BytesNeeded / 10, $"re-fetched {figures.ReFetched:N0} of {figures.BytesNeeded:N0} bytes");
    }

    [Fact]
    public async Task SmallPoolHeldBySlowRequests_Answers503NotFivehundred_AndRecovers()
    {
        var started = Stopwatch.StartNew();
        var figures = new Figures("connection pool exhausted (pool 4, lock 8 s)");
        var seed = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            seed.Add(await _site.AddAsync($"pool-seed-{i}.mp4", 200_000));
        }
        var small = new NpgsqlConnectionStringBuilder(_connectionString) { MaxPoolSize = 4, Timeout = 2 }.ConnectionString;
        var invariants = new Invariants(_connectionString, _dataDir);
        var port = HubProcess.FreePort();
        var log = new StatusLog();
        await using var serve = await ServeProcess.StartAsync(port, ServeProcess.Env(small, _dataDir));
        var token = await ServeProcess.FirstTokenAsync(serve);
        var api = log.Client(new Uri($"http://127.0.0.1:{port}"), token);
        foreach (var url in seed)
        {
            await JobApi.WaitForEndAsync(api, await ServeProcess.ImportAsync(api, url), TimeSpan.FromSeconds(120));
        }
        var entryId = await invariants.ScalarAsync<Guid>("SELECT id FROM entries LIMIT 1");
        var during = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            during.Add(await _site.AddAsync($"pool-during-{i}.mp4", 200_000));
        }

        // A long lock on entries (a VACUUM FULL, a migration): every request that reads entries waits holding a
        // pooled connection, and the rest wait for the pool, longer than its 2 s timeout.
        await using var locker = new NpgsqlConnection(invariants.ConnectionString);
        await locker.OpenAsync();
        await using (var tx = await locker.BeginTransactionAsync())
        {
            await using (var lockCmd = new NpgsqlCommand("LOCK TABLE entries IN ACCESS EXCLUSIVE MODE", locker, tx))
            {
                await lockCmd.ExecuteNonQueryAsync();
            }
            figures.Faults++;
            var load = new List<Task>();
            for (var i = 0; i < 20; i++)
            {
                load.Add(ServeProcess.PokeAsync(api, "/api/v1/entries?q=pool"));
                load.Add(ServeProcess.PokeAsync(api, $"/api/v1/entries/{entryId}"));
                load.Add(RangeAsync(api, entryId));
            }
            for (var i = 0; i < 10; i++)
            {
                load.Add(SseAsync(api, TimeSpan.FromSeconds(4)));
                load.Add(ServeProcess.PokeAsync(api, "/api/v1/jobs"));
            }
            load.AddRange(during.Select(async u =>
            {
                try { await ServeProcess.ImportAsync(api, u); }
                catch (Exception ex) when (ex is Xunit.Sdk.XunitException or HttpRequestException) { /* a 503 is allowed; retried below */ }
            }));
            await Task.Delay(TimeSpan.FromSeconds(8));
            await tx.RollbackAsync();
            await Task.WhenAll(load);
        }

        // Imports refused with 503 during the squeeze are asked again, as a client following Retry-After would.
        foreach (var url in during)
        {
            if (!(await invariants.RootJobsAsync()).Any(j => j.Source == url))
            {
                await ServeProcess.ImportAsync(api, url);
            }
        }
        await invariants.WaitForJobsToEndAsync([.. seed, .. during], TimeSpan.FromSeconds(180));
        Assert.Equal(200, (int)(await api.GetAsync("/api/v1/entries?q=pool")).StatusCode);
        Finish(figures, seed.Count + during.Count, log, started);
        Assert.True(log.Count("503") > 0, "the pool was never exhausted (no 503): " + log.Summary());
        await invariants.AssertAllAsync([.. seed, .. during]);
        log.AssertNoServerErrors();
    }

    private static async Task RangeAsync(HttpClient api, Guid entryId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/entries/{entryId}/stream");
        request.Headers.Range = new RangeHeaderValue(1000, 50_000);
        try
        {
            using var response = await api.SendAsync(request);
            await response.Content.LoadIntoBufferAsync();
        }
        catch (HttpRequestException)
        {
        }
    }

    /// <summary>An SSE client that stays a few seconds, then leaves.</summary>
    private static async Task SseAsync(HttpClient api, TimeSpan stay)
    {
        using var cts = new CancellationTokenSource(stay);
        try
        {
            using var response = await api.GetAsync("/api/v1/jobs/stream", HttpCompletionOption.ResponseHeadersRead, cts.Token);
            await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
            var buffer = new byte[4096];
            while (await body.ReadAsync(buffer, cts.Token) > 0)
            {
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (HttpRequestException)
        {
        }
        catch (IOException)
        {
        }
    }

    private void Finish(Figures figures, int jobs, StatusLog log, Stopwatch started)
    {
        figures.Jobs = jobs;
        figures.BytesServed = _site.BytesServed;
        figures.BytesNeeded = _site.Needed;
        figures.Statuses = log.Summary();
        figures.Outcome = "all completed";
        figures.Elapsed = started.Elapsed;
        ChaosReport.Add(figures, output);
    }
}
