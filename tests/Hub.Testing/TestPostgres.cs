using Hub.Domain.Processes;
using Hub.Domain.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Hub.Testing;

/// <summary>
/// One throwaway PostgreSQL cluster per test process, started with the same code as Hub's embedded default.
/// A migrated template database is made once; each test class gets a fresh copy of it in about 0.1 s.
/// </summary>
public static class TestPostgres
{
    private const string Template = "hub_template";
    private static readonly Lazy<Task<EmbeddedPostgres>> Cluster = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _counter;

    public static ProcessRunner Runner { get; } = new(NullLogger<ProcessRunner>.Instance);

    public static Task<EmbeddedPostgres> GetClusterAsync() => Cluster.Value;

    /// <summary>A new, migrated, empty database; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string? hint = null)
    {
        var cluster = await Cluster.Value.ConfigureAwait(false);
        var full = $"t{Interlocked.Increment(ref _counter)}_{Sanitize(hint)}_{Guid.NewGuid():N}";
        var name = full[..Math.Min(40, full.Length)];
        await using (var conn = new NpgsqlConnection(cluster.ConnectionString("postgres")))
        {
            await conn.OpenAsync().ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {HubDatabase.QuoteIdent(name)} TEMPLATE {Template}", conn);
            await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        return cluster.ConnectionString(name);
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var cluster = await Cluster.Value.ConfigureAwait(false);
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(cluster.ConnectionString("postgres"));
        await conn.OpenAsync().ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {HubDatabase.QuoteIdent(name)} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private static async Task<EmbeddedPostgres> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "hub-test-pg-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        var cluster = new EmbeddedPostgres(root, Runner, NullLogger.Instance, new EmbeddedPostgresSettings { Fast = true });
        await cluster.StartAsync(CancellationToken.None).ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                cluster.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
                Directory.Delete(root, recursive: true);
            }
            catch (Exception)
            {
                // Best effort at exit; the folder is under /tmp.
            }
        };

        await HubDatabase.EnsureDatabaseAsync(cluster.ConnectionString("postgres"), Template, CancellationToken.None).ConfigureAwait(false);
        await using (var ds = NpgsqlDataSource.Create(cluster.ConnectionString(Template)))
        {
            await new MigrationRunner(ds, NullLogger<MigrationRunner>.Instance).MigrateAsync(CancellationToken.None).ConfigureAwait(false);
        }
        NpgsqlConnection.ClearAllPools(); // a template must have no open connections
        return cluster;
    }

    private static string Sanitize(string? hint) =>
        new string((hint ?? "db").ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(16).ToArray()).PadRight(2, 'x');
}
