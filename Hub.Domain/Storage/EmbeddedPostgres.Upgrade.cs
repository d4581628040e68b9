using Hub.Domain.Processes;
using Microsoft.Extensions.Logging;

namespace Hub.Domain.Storage;

/// <summary><c>hub db upgrade</c>: moves the private cluster to the newest installed PostgreSQL with <c>pg_upgrade</c>.</summary>
public sealed partial class EmbeddedPostgres
{
    /// <summary>
    /// Runs <c>pg_upgrade</c> from the cluster's version to the newest installed one, into a new folder, and swaps it in;
    /// the old cluster is kept beside it (<c>cluster.pgNN</c>) until the owner deletes it. The server must be stopped.
    /// Returns a sentence saying what happened.
    /// </summary>
    public async Task<string> UpgradeAsync(CancellationToken cancellationToken)
    {
        if (EmbeddedPostgresLayout.ClusterVersion(ClusterDir) is not { } from)
        {
            return $"There is no private cluster in {ClusterDir} yet; nothing to upgrade.";
        }
        var newest = EmbeddedPostgresLayout.Installed(_settings.VersionsRoot).FirstOrDefault();
        if (newest.Version <= from)
        {
            return $"The private cluster is already on PostgreSQL {from}, the newest installed.";
        }
        if (IsPostmasterAlive())
        {
            throw new DatabaseUnavailableException($"The private PostgreSQL in {ClusterDir} is running. Stop Hub (and every `hub` command) first, then run `hub db upgrade` again.");
        }
        var oldBin = EmbeddedPostgresLayout.BinDirFor(from, _settings.VersionsRoot)!;
        PrepareFolders();
        var next = Path.Combine(RootDir, "cluster.new");
        if (Directory.Exists(next))
        {
            Directory.Delete(next, recursive: true); // a failed earlier attempt
        }
        logger.LogInformation("Upgrading the private cluster from PostgreSQL {From} to {To}", from, newest.Version);
        await CheckedAsync(Path.Combine(newest.BinDir, "initdb"), ["-D", next, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], cancellationToken).ConfigureAwait(false);
        await CheckedAsync(Path.Combine(newest.BinDir, "pg_upgrade"),
            ["-b", oldBin, "-B", newest.BinDir, "-d", ClusterDir, "-D", next, "-U", "postgres", "--socketdir", SocketDir], cancellationToken).ConfigureAwait(false);
        await File.AppendAllTextAsync(Path.Combine(next, "postgresql.conf"), "\ninclude_if_exists = 'hub.conf'\n", cancellationToken).ConfigureAwait(false);
        var kept = Path.Combine(RootDir, $"cluster.pg{from}");
        Directory.Move(ClusterDir, kept);
        Directory.Move(next, ClusterDir);
        if (IsRoot)
        {
            ChownToServiceUser(RootDir);
        }
        _binDir = newest.BinDir;
        return $"The private cluster now runs on PostgreSQL {newest.Version}. The old one is kept in {kept}: delete it once Hub works.";
    }

    private async Task CheckedAsync(string exe, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var result = await RunAsServerUserAsync(exe, args, TimeSpan.FromHours(2), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new ProcessFailedException(Path.GetFileName(exe), result);
        }
    }
}
