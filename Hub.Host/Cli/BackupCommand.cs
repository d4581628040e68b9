using Hub.Domain.Backup;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Host.Cli;

/// <summary><c>hub backup FILE [--media]</c> and <c>hub restore FILE [--force]</c> (see <see cref="HubBackup"/>).</summary>
public static class BackupCommand
{

    public static Task<int> BackupAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var file = Path.GetFullPath(args.Positionals.Count > 1 ? args.Positionals[1] : throw new CliUsageException("Usage: hub backup FILE [--media]"));
        return HubHost.WithDatabaseAsync(args.Passthrough, async (services, ct) =>
        {
            var manifest = await ActivatorUtilities.CreateInstance<HubBackup>(services).BackupAsync(file, args.Flag("media"), ct);
            Console.WriteLine($"Backup written to {file}: database at schema version {manifest.SchemaVersion}, {manifest.Media.Count} media files listed"
                + (manifest.MediaIncluded ? " and included." : " (not included: copy the media folder yourself, or back up with --media)."));
            return 0;
        }, cancellationToken);
    }

    public static Task<int> RestoreAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var file = args.Positionals.Count > 1 ? Path.GetFullPath(args.Positionals[1]) : throw new CliUsageException("Usage: hub restore FILE [--force]");
        if (!File.Exists(file))
        {
            throw new CliUsageException($"No such file: {file}");
        }
        return HubHost.WithDatabaseAsync(args.Passthrough, async (services, ct) =>
        {
            var (manifest, report) = await ActivatorUtilities.CreateInstance<HubBackup>(services).RestoreAsync(file, args.Flag("force"), ct);
            Console.WriteLine($"Restored the database of {manifest.CreatedAt:yyyy-MM-dd HH:mm} UTC (from {manifest.DataDir}).");
            Console.WriteLine($"Media: {report.MediaRestored} restored from the backup, {report.MediaVerified} of {manifest.Media.Count} match the manifest.");
            if (report.MediaMissing.Count > 0)
            {
                Console.WriteLine($"{report.MediaMissing.Count} media files are missing or differ; copy them into the media folder. First: {report.MediaMissing[0]}");
                return 3;
            }
            return 0;
        }, cancellationToken);
    }
}
