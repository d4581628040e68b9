using Hub.Domain.Processes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Domain.Storage;

/// <summary>
/// Hub's one database: the server named by <c>ConnectionStrings:Hub</c> (or <c>HUB_DATABASE</c>), or else
/// a private cluster under <c>Hub:DataDir</c>. Its <see cref="DataSource"/> exists from construction (the private
/// cluster's socket is fixed in advance), so services are built the standard way; the host starts (and migrates) the
/// database before any hosted service starts (<see cref="DatabaseHostedService"/>), and stops it after all have stopped.
/// </summary>
public sealed class HubDatabase : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IOptions<HubOptions> _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly EmbeddedPostgres? _embedded;
    private readonly string _connectionString;
    private readonly string? _connectionSource;

    public const string EnvironmentVariable = "HUB_DATABASE";

    public HubDatabase(IConfiguration configuration, IOptions<HubOptions> options, ProcessRunner runner, ILoggerFactory loggerFactory)
    {
        _logger = loggerFactory.CreateLogger<HubDatabase>();
        _loggerFactory = loggerFactory;
        _options = options;
        ConfiguredConnectionString = NullIfBlank(configuration.GetConnectionString("Hub")) ?? NullIfBlank(Environment.GetEnvironmentVariable(EnvironmentVariable));
        _connectionSource = NullIfBlank(configuration.GetConnectionString("Hub")) is not null ? "ConnectionStrings:Hub" : EnvironmentVariable;
        if (ConfiguredConnectionString is null)
        {
            var opts = options.Value;
            _embedded = new EmbeddedPostgres(EmbeddedPostgresLayout.ChooseRoot(opts.FullDataDir, opts.Database.ClusterRoot, EmbeddedPostgres.IsRoot), runner, loggerFactory.CreateLogger<EmbeddedPostgres>(),
                new EmbeddedPostgresSettings { BinDir = opts.Database.PostgresBinDir });
        }
        _connectionString = ConfiguredConnectionString ?? _embedded!.ConnectionString(options.Value.Database.EmbeddedDatabase);
        var builder = new NpgsqlDataSourceBuilder(_connectionString);
        builder.EnableDynamicJson();
        DataSource = builder.Build();
    }

    /// <summary>Opens connections once <see cref="StartAsync"/> has run (the host does it before any hosted service starts).</summary>
    public NpgsqlDataSource DataSource { get; }

    public bool IsStarted { get; private set; }
    public bool IsEmbedded => _embedded is not null;

    /// <summary>The private cluster, when Hub runs one (the supervisor restarts it if it dies).</summary>
    public EmbeddedPostgres? Embedded => _embedded;

    public string? ConfiguredConnectionString { get; }

    /// <summary>Where pg_dump and psql for this database are: the private cluster's own, else the configured or newest installed.</summary>
    public string ToolBinDir => _embedded?.BinDir ?? EmbeddedPostgres.FindBinDir(_options.Value.Database.PostgresBinDir);

    /// <summary>libpq's environment (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD) for running pg_dump or psql on this database.</summary>
    public IReadOnlyDictionary<string, string?> LibpqEnvironment()
    {
        var b = new NpgsqlConnectionStringBuilder(_connectionString);
        return new Dictionary<string, string?>
        {
            ["PGHOST"] = b.Host,
            ["PGPORT"] = b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGUSER"] = b.Username,
            ["PGDATABASE"] = b.Database,
            ["PGPASSWORD"] = b.Password,
            ["LC_ALL"] = "C.UTF-8",
        };
    }

    /// <summary>Which database this is, for people: the private cluster's folder, or the configured server (never a password).</summary>
    public string Describe() => _embedded is not null
        ? $"private PostgreSQL in {_embedded.ClusterDir} (database {_options.Value.Database.EmbeddedDatabase})"
        : $"PostgreSQL at {DescribeServer(_connectionString)} (from {(_connectionSource ?? "configuration")})";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsStarted)
            {
                return;
            }
            if (_embedded is not null)
            {
                await _embedded.StartAsync(cancellationToken).ConfigureAwait(false);
                await EnsureDatabaseAsync(_embedded.ConnectionString("postgres"), _options.Value.Database.EmbeddedDatabase, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                _logger.LogInformation("Using the configured PostgreSQL server {Server}", DescribeServer(_connectionString));
            }
            try
            {
                await using var conn = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                throw new DatabaseUnavailableException($"Cannot connect to PostgreSQL at {DescribeServer(_connectionString)}: {ex.Message}", ex);
            }
            await new MigrationRunner(DataSource, _loggerFactory.CreateLogger<MigrationRunner>()).MigrateAsync(cancellationToken).ConfigureAwait(false);
            IsStarted = true;
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
            IsStarted = false;
            try
            {
                DataSource.Clear();
            }
            catch (ObjectDisposedException)
            {
                // At shutdown the container may dispose the data source before this.
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
        await DataSource.DisposeAsync().ConfigureAwait(false);
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
