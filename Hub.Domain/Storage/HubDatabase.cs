using Hub.Domain.Processes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Domain.Storage;

/// <summary>
/// Hub's one database: the server named by <c>ConnectionStrings:Hub</c> (or <c>HUB_DATABASE</c>), or else
/// a private cluster under <c>Hub:DataDir</c>. Started (and migrated) once per process before anything uses it.
/// </summary>
public sealed class HubDatabase(IConfiguration configuration, IOptions<HubOptions> options, ProcessRunner runner, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<HubDatabase>();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private NpgsqlDataSource? _dataSource;
    private EmbeddedPostgres? _embedded;

    public const string EnvironmentVariable = "HUB_DATABASE";

    public NpgsqlDataSource DataSource => _dataSource
        ?? throw new InvalidOperationException("The database is not started yet: HubDatabase.StartAsync runs when the host starts.");

    public bool IsStarted => _dataSource is not null;
    public bool IsEmbedded => _embedded is not null;

    public string? ConfiguredConnectionString =>
        NullIfBlank(configuration.GetConnectionString("Hub")) ?? NullIfBlank(Environment.GetEnvironmentVariable(EnvironmentVariable));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_dataSource is not null)
            {
                return;
            }
            var connectionString = ConfiguredConnectionString;
            if (connectionString is null)
            {
                var opts = options.Value;
                _embedded = new EmbeddedPostgres(Path.Combine(opts.FullDataDir, "postgres"), runner, loggerFactory.CreateLogger<EmbeddedPostgres>(),
                    new EmbeddedPostgresSettings { BinDir = opts.Database.PostgresBinDir });
                await _embedded.StartAsync(cancellationToken).ConfigureAwait(false);
                await EnsureDatabaseAsync(_embedded.ConnectionString("postgres"), opts.Database.EmbeddedDatabase, cancellationToken).ConfigureAwait(false);
                connectionString = _embedded.ConnectionString(opts.Database.EmbeddedDatabase);
            }
            else
            {
                _logger.LogInformation("Using the configured PostgreSQL server {Server}", DescribeServer(connectionString));
            }

            var builder = new NpgsqlDataSourceBuilder(connectionString);
            builder.EnableDynamicJson();
            var dataSource = builder.Build();
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                await dataSource.DisposeAsync().ConfigureAwait(false);
                throw new DatabaseUnavailableException($"Cannot connect to PostgreSQL at {DescribeServer(connectionString)}: {ex.Message}", ex);
            }
            await new MigrationRunner(dataSource, loggerFactory.CreateLogger<MigrationRunner>()).MigrateAsync(cancellationToken).ConfigureAwait(false);
            _dataSource = dataSource;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_dataSource is not null)
            {
                await _dataSource.DisposeAsync().ConfigureAwait(false);
                _dataSource = null;
            }
            NpgsqlConnection.ClearAllPools();
            if (_embedded is not null)
            {
                await _embedded.StopAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await StopAsync(cts.Token).ConfigureAwait(false);
        _gate.Dispose();
    }

    /// <summary>Creates <paramref name="database"/> on the server if it does not exist.</summary>
    public static async Task EnsureDatabaseAsync(string maintenanceConnectionString, string database, CancellationToken cancellationToken)
    {
        await using var conn = new NpgsqlConnection(maintenanceConnectionString);
        await conn.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var check = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn);
        check.Parameters.AddWithValue(database);
        if (await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {QuoteIdent(database)}", conn);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static string QuoteIdent(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Host, port and database of a connection string, never its password.</summary>
    public static string DescribeServer(string connectionString)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{b.Host}:{b.Port}/{b.Database}";
        }
        catch (ArgumentException)
        {
            return "(unparseable connection string)";
        }
    }

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
