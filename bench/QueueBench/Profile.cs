using System.Diagnostics;
using System.Globalization;
using Hub.Bench;
using Npgsql;

namespace QueueBench;

/// <summary>
/// Where a run's cost goes: CPU seconds of this process (the workers) and of the PostgreSQL server (postmaster, its
/// backends, and the backends that exited meanwhile), WAL records, full-page images and bytes (pg_stat_wal), and with
/// <c>BENCH_PROFILE=1</c> the statements (pg_stat_statements) and the row writes per table (HOT or not).
/// </summary>
internal sealed class Profile(NpgsqlDataSource ds, int postmasterPid)
{
    public static bool Detailed => Environment.GetEnvironmentVariable("BENCH_PROFILE") == "1";

    private double _client, _server;
    private long _allocated, _gcs;
    private (long Records, long Fpi, double Bytes) _wal;

    public static int PostmasterPid(string clusterDir) =>
        int.Parse(File.ReadLines(Path.Combine(clusterDir, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    /// <summary>Turns pg_stat_statements on, with planning times; the server must be restarted after.</summary>
    public static Task EnableAsync(string clusterDir) => File.AppendAllTextAsync(Path.Combine(clusterDir, "postgresql.conf"),
        "\nshared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track_planning = on\n");

    public async Task StartAsync()
    {
        if (Detailed)
        {
            await ExecAsync("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset(); SELECT pg_stat_reset();");
        }
        _wal = await WalAsync();
        _client = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        _server = ProcCpu.Seconds(postmasterPid, exitedChildren: true);
        _allocated = GC.GetTotalAllocatedBytes();
        _gcs = GC.CollectionCount(0);
    }

    /// <summary>Prints the run's profile, per job; call before the connection pool is cleared.</summary>
    public async Task PrintAsync(string title, long jobs)
    {
        var client = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - _client;
        var server = ProcCpu.Seconds(postmasterPid, exitedChildren: true) - _server;
        var wal = await WalAsync();
        var allocated = GC.GetTotalAllocatedBytes() - _allocated;
        var gcs = GC.CollectionCount(0) - _gcs;
        var n = Math.Max(1, jobs);
        Console.WriteLine($"  {title}: {jobs} jobs; CPU per job: workers {client / n * 1e6:0} µs, PostgreSQL {server / n * 1e6:0} µs; workers allocated {allocated / n / 1024.0:0.0} KiB ({gcs} gen-0 GCs); " +
            $"WAL per job: {(wal.Records - _wal.Records) / (double)n:0.0} records, {(wal.Fpi - _wal.Fpi) / (double)n:0.00} full-page images, {(wal.Bytes - _wal.Bytes) / n:0} B");
        if (!Detailed) return;
        await using (var cmd = ds.CreateCommand("""
            SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del FROM pg_stat_user_tables
            WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 ORDER BY relname
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                Console.WriteLine($"    table {r.GetString(0),-12} inserted {r.GetInt64(1) / (double)n,5:0.00}/job  updated {r.GetInt64(2) / (double)n,5:0.00}/job (HOT {r.GetInt64(3) / (double)n:0.00})  deleted {r.GetInt64(4) / (double)n:0.00}/job");
            }
        }
        await using (var cmd = ds.CreateCommand("""
            SELECT calls, total_exec_time, rows, wal_bytes, plans, total_plan_time, left(regexp_replace(query, '\s+', ' ', 'g'), 110)
            FROM pg_stat_statements WHERE calls > 0 ORDER BY total_exec_time + total_plan_time DESC LIMIT 12
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            Console.WriteLine($"    {"calls/job",9} {"ms total",9} {"µs/call",8} {"rows/call",9} {"WAL B/job",9} {"plans/call",10} {"plan µs",8}  statement");
            while (await r.ReadAsync())
            {
                var calls = r.GetInt64(0);
                Console.WriteLine($"    {calls / (double)n,9:0.000} {r.GetDouble(1),9:0} {r.GetDouble(1) * 1000 / calls,8:0} {r.GetInt64(2) / (double)calls,9:0.0} {(double)r.GetDecimal(3) / n,9:0}  {r.GetInt64(4) / (double)calls,10:0.000} {(r.GetInt64(4) == 0 ? 0 : r.GetDouble(5) * 1000 / r.GetInt64(4)),8:0}  {r.GetString(6)}");
            }
        }
    }

    private async Task<(long Records, long Fpi, double Bytes)> WalAsync()
    {
        await using var cmd = ds.CreateCommand("SELECT wal_records, wal_fpi, wal_bytes::float8 FROM pg_stat_wal");
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetInt64(0), r.GetInt64(1), r.GetDouble(2));
    }

    private async Task ExecAsync(string sql)
    {
        await using var cmd = ds.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}
