using Hub.Domain.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Host.Cli;

/// <summary><c>hub migrate</c>: applies pending schema migrations and exits.</summary>
public static class MigrateCommand
{
    public static Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken) =>
        HubHost.WithDatabaseAsync(args.Passthrough, async (services, ct) =>
        {
            // Starting the database applies pending migrations; report where the schema stands.
            var db = services.GetRequiredService<HubDatabase>();
            await using var cmd = db.DataSource.CreateCommand("SELECT coalesce(max(version), 0), count(*) FROM schema_migrations");
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            Console.WriteLine($"Database is at schema version {reader.GetInt32(0)} ({reader.GetInt64(1)} migrations applied; {MigrationRunner.All().Count} known).");
            return 0;
        }, cancellationToken);
}
