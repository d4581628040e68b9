using Hub.Bench;
using System.Diagnostics;
using Hub.Domain;
using Hub.Domain.Jobs;
using Hub.Domain.Processes;
using Hub.Domain.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using QueueBench;

// Queue throughput: no-op jobs through enqueue → claim → complete with 4 workers (4 JobWorker instances, as 4
// processes would be) for a fixed time, on a private PostgreSQL with default durability (fsync on).
// Reference, same run, same database: a bare SKIP LOCKED loop in plain SQL (insert, claim, complete) with no
// events, no notifications, no fencing — what the queue would cost with none of its guarantees.
var seconds = args.Length > 0 ? int.Parse(args[0]) : 30;
var root = Path.Combine(Path.GetTempPath(), "hub-bench-queue");
if (Directory.Exists(root)) Directory.Delete(root, true);
var runner = new ProcessRunner(NullLogger<ProcessRunner>.Instance);
var pg = new EmbeddedPostgres(root, runner, NullLogger.Instance);
await pg.StartAsync(CancellationToken.None);
try
{
    await HubDatabase.EnsureDatabaseAsync(pg.ConnectionString("postgres"), "bench", CancellationToken.None);
    var cs = pg.ConnectionString("bench");
    if (Profile.Detailed)
    {
        await Profile.EnableAsync(pg.ClusterDir);
        NpgsqlConnection.ClearAllPools();
        await pg.StopAsync(CancellationToken.None);
        await pg.StartAsync(CancellationToken.None);
    }
    var postmaster = Profile.PostmasterPid(pg.ClusterDir);
    Console.WriteLine($"Queue benchmark: {seconds} s per run, 4 workers, PostgreSQL with fsync on ({Environment.ProcessorCount} cores)");

    // Throughput: producers keep a backlog, so workers never wait for work. Latency: jobs are offered at a steady
    // 500 jobs/s (half the target rate), so enqueue-to-start measures the queue, not the length of a backlog.
    var reference = await ReferenceAsync(cs, postmaster, seconds, null);
    var referenceLatency = await ReferenceAsync(cs, postmaster, Math.Max(5, seconds / 3), 500);
    var hub = await HubQueueAsync(cs, root, postmaster, seconds, null);
    var hubLatency = await HubQueueAsync(cs, root, postmaster, Math.Max(5, seconds / 3), 500);

    Console.WriteLine();
    Console.WriteLine($"{"",-28} {"jobs/s",10} {"start p50 @500/s",17} {"start p95 @500/s",17} {"WAL/job",9}");
    Console.WriteLine($"{"reference (bare SKIP LOCKED)",-28} {reference.Rate,10:0} {referenceLatency.P50,15:0.0}ms {referenceLatency.P95,15:0.0}ms {reference.WalPerJob,8:0}B");
    Console.WriteLine($"{"Hub job queue",-28} {hub.Rate,10:0} {hubLatency.P50,15:0.0}ms {hubLatency.P95,15:0.0}ms {hub.WalPerJob,8:0}B");
    Console.WriteLine($"ratio Hub/reference (jobs/s): {hub.Rate / reference.Rate:0.00}   targets: ≥ 1000 jobs/s → {(hub.Rate >= 1000 ? "met" : "MISSED")}, p95 < 50 ms → {(hubLatency.P95 < 50 ? "met" : "MISSED")}");
}
finally
{
    NpgsqlConnection.ClearAllPools();
    await pg.StopAsync(CancellationToken.None);
}

static async Task<Result> HubQueueAsync(string cs, string root, int postmaster, int seconds, int? perSecond)
{
    var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Hub"] = cs + ";Maximum Pool Size=100",
        ["Hub:DataDir"] = Path.Combine(root, "data"),
        ["Hub:Jobs:Concurrency:bench"] = "16",
    }).Build();
    var services = new ServiceCollection();
    services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole());
    services.AddSingleton<IConfiguration>(config);
    services.AddHubDomain(config);
    services.AddSingleton<IJobHandler, NoopHandler>();
    await using var sp = services.BuildServiceProvider();
    await HostedServices.StartAllAsync(sp);

    var db = sp.GetRequiredService<HubDatabase>();
    // The previous run's leftovers go before any worker starts (deleted under a worker, a job it runs loses its lease).
    await using (var clear = db.DataSource.CreateCommand("DELETE FROM jobs")) await clear.ExecuteNonQueryAsync();

    // 4 workers: separate JobWorker instances, each with its own lease owner, as separate processes would be.
    var workers = Enumerable.Range(0, 4).Select(_ => ActivatorUtilities.CreateInstance<JobWorker>(sp)).ToList();
    foreach (var w in workers) await w.StartAsync(CancellationToken.None);

    var queue = sp.GetRequiredService<JobQueue>();
    var profile = new Profile(db.DataSource, postmaster);
    await profile.StartAsync();
    var walBefore = await WalAsync(db.DataSource);
    var sw = Stopwatch.StartNew();
    var produced = 0;
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
    await Produce(stop.Token, perSecond, async n =>
    {
        if (perSecond is null)
        {
            await using var cmd = db.DataSource.CreateCommand("SELECT count(*) FROM jobs WHERE queue = 'bench' AND state = 'queued'");
            if ((long)(await cmd.ExecuteScalarAsync())! > 200) { await Task.Delay(2); return; }
        }
        await queue.EnqueueManyAsync(Enumerable.Range(0, n).Select(_ => new NewJob("noop", "bench", "cli")).ToList(), CancellationToken.None);
        produced += n;
    });
    var elapsed = sw.Elapsed.TotalSeconds;
    await using (var count = db.DataSource.CreateCommand("SELECT count(*) FROM jobs WHERE queue = 'bench' AND state = 'completed'"))
    {
        var completed = (long)(await count.ExecuteScalarAsync())!;
        if (perSecond is null) await profile.PrintAsync("Hub job queue", completed);
        foreach (var w in workers) await w.StopAsync(CancellationToken.None);
        var (p50, p95) = await StartLatencyAsync(db.DataSource, "SELECT extract(epoch FROM started_at - created_at) * 1000 FROM jobs WHERE queue = 'bench' AND started_at IS NOT NULL");
        var wal = await WalAsync(db.DataSource) - walBefore;
        await HostedServices.StopAllAsync(sp);
        return new Result(completed / elapsed, p50, p95, completed == 0 ? 0 : wal / completed);
    }
}

static async Task<Result> ReferenceAsync(string cs, int postmaster, int seconds, int? perSecond)
{
    await using var ds = NpgsqlDataSource.Create(cs + ";Maximum Pool Size=100");
    await using (var create = ds.CreateCommand("""
        DROP TABLE IF EXISTS ref_jobs;
        CREATE TABLE ref_jobs (id bigserial PRIMARY KEY, state text NOT NULL, created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                               started_at timestamptz, finished_at timestamptz);
        CREATE INDEX ON ref_jobs (id) WHERE state = 'queued';
        """))
    {
        await create.ExecuteNonQueryAsync();
    }
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
    var profile = new Profile(ds, postmaster);
    await profile.StartAsync();
    var walBefore = await WalAsync(ds);
    var sw = Stopwatch.StartNew();
    var producer = Task.Run(() => Produce(stop.Token, perSecond, async n =>
    {
        if (perSecond is null)
        {
            await using var c = ds.CreateCommand("SELECT count(*) FROM ref_jobs WHERE state = 'queued'");
            if ((long)(await c.ExecuteScalarAsync())! > 200) { await Task.Delay(2); return; }
        }
        await using var ins = ds.CreateCommand("INSERT INTO ref_jobs (state) SELECT 'queued' FROM generate_series(1, $1)");
        ins.Parameters.AddWithValue(n);
        await ins.ExecuteNonQueryAsync();
    }));
    var consumers = Enumerable.Range(0, 4 * 16).Select(_ => Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            await using var claim = ds.CreateCommand("""
                UPDATE ref_jobs SET state = 'running', started_at = clock_timestamp()
                WHERE id = (SELECT id FROM ref_jobs WHERE state = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id
                """);
            if (await claim.ExecuteScalarAsync() is not long id) { await Task.Delay(1); continue; }
            await using var done = ds.CreateCommand("UPDATE ref_jobs SET state = 'completed', finished_at = clock_timestamp() WHERE id = $1");
            done.Parameters.AddWithValue(id);
            await done.ExecuteNonQueryAsync();
        }
    })).ToList();
    await producer;
    await Task.WhenAll(consumers);
    var elapsed = sw.Elapsed.TotalSeconds;
    await using var count = ds.CreateCommand("SELECT count(*) FROM ref_jobs WHERE state = 'completed'");
    var completed = (long)(await count.ExecuteScalarAsync())!;
    if (perSecond is null) await profile.PrintAsync("reference", completed);
    var (p50, p95) = await StartLatencyAsync(ds, "SELECT extract(epoch FROM started_at - created_at) * 1000 FROM ref_jobs WHERE started_at IS NOT NULL");
    return new Result(completed / elapsed, p50, p95, completed == 0 ? 0 : (await WalAsync(ds) - walBefore) / completed);
}

// WAL bytes written so far: with fsync on, the bytes each job writes (row versions, index entries, events) are what a
// commit waits to flush, so WAL per job is the profile of the gap to the bare loop.
static async Task<double> WalAsync(NpgsqlDataSource ds)
{
    await using var cmd = ds.CreateCommand("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8");
    return (double)(await cmd.ExecuteScalarAsync())!;
}

// Backlog mode (perSecond null): batches of 50 whenever the backlog is low. Paced mode: 5 jobs every 10 ms.
static async Task Produce(CancellationToken stop, int? perSecond, Func<int, Task> enqueue)
{
    var sw = Stopwatch.StartNew();
    long sent = 0;
    while (!stop.IsCancellationRequested)
    {
        if (perSecond is not { } rate)
        {
            await enqueue(50);
            continue;
        }
        var due = (long)(sw.Elapsed.TotalSeconds * rate);
        if (due - sent >= 5)
        {
            await enqueue(5);
            sent += 5;
        }
        else
        {
            await Task.Delay(5);
        }
    }
}

static async Task<(double P50, double P95)> StartLatencyAsync(NpgsqlDataSource ds, string sql)
{
    var values = new List<double>();
    await using var cmd = ds.CreateCommand(sql);
    await using var r = await cmd.ExecuteReaderAsync();
    while (await r.ReadAsync()) values.Add(Convert.ToDouble(r.GetValue(0)));
    values.Sort();
    return values.Count == 0 ? (double.NaN, double.NaN) : (values[(int)(values.Count * 0.50)], values[Math.Min(values.Count - 1, (int)(values.Count * 0.95))]);
}

sealed record Result(double Rate, double P50, double P95, double WalPerJob);

sealed class NoopHandler : IJobHandler
{
    public string Queue => "bench";
    public string RunningState => JobStates.Processing;
    public Task RunAsync(JobContext context, CancellationToken cancellationToken) =>
        context.CompleteAsync(null, null, "noop", null, cancellationToken);
}
