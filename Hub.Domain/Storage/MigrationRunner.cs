using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Hub.Domain.Storage;

/// <summary>
/// Applies the numbered SQL files embedded from Storage/Migrations in order, each in its own transaction,
/// recording them in schema_migrations. An advisory lock makes concurrent starts (serve + worker) safe.
/// </summary>
public sealed class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> logger)
{
    private const long AdvisoryLockKey = 0x4855_425F_4D49_47; // "HUB_MIG"
    private const string ResourcePrefix = "Hub.Migrations.";

    public sealed record Migration(int Version, string Name, string Sql)
    {
        public string Checksum => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Sql))).ToLowerInvariant();
    }

    public static IReadOnlyList<Migration> All()
    {
        var asm = typeof(MigrationRunner).Assembly;
        return asm.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => Load(asm, n))
            .OrderBy(m => m.Version)
            .ToList();
    }

    /// <returns>The versions applied by this call.</returns>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(conn, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecAsync(conn, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken).ConfigureAwait(false);

            var applied = new Dictionary<int, string>();
            await using (var cmd = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations", conn))
            await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied[reader.GetInt32(0)] = reader.GetString(1);
                }
            }

            var done = new List<int>();
            foreach (var m in All())
            {
                if (applied.TryGetValue(m.Version, out var checksum))
                {
                    if (checksum != m.Checksum)
                    {
                        logger.LogWarning("Migration {Version} ({Name}) changed after it was applied; the database keeps the old version", m.Version, m.Name);
                    }
                    continue;
                }
                logger.LogInformation("Applying migration {Version}: {Name}", m.Version, m.Name);
                await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (var cmd = new NpgsqlCommand(m.Sql, conn, tx))
                {
                    cmd.CommandTimeout = 600;
                    await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                await using (var cmd = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", conn, tx))
                {
                    cmd.Parameters.AddWithValue(m.Version);
                    cmd.Parameters.AddWithValue(m.Name);
                    cmd.Parameters.AddWithValue(m.Checksum);
                    await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                done.Add(m.Version);
            }
            if (done.Count > 0)
            {
                // Types such as citext or new enums are cached per connection; new connections see the new schema.
                await conn.ReloadTypesAsync(cancellationToken).ConfigureAwait(false);
            }
            return done;
        }
        finally
        {
            await ExecAsync(conn, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static Migration Load(Assembly asm, string resource)
    {
        var file = resource[ResourcePrefix.Length..^".sql".Length];
        var underscore = file.IndexOf('_', StringComparison.Ordinal);
        if (underscore <= 0 || !int.TryParse(file[..underscore], out var version))
        {
            throw new InvalidOperationException($"Migration file {file}.sql must be named NNNN_description.sql");
        }
        using var stream = asm.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return new Migration(version, file[(underscore + 1)..], reader.ReadToEnd());
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
