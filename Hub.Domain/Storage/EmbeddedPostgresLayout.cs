using System.Security.Cryptography;
using System.Text;

namespace Hub.Domain.Storage;

/// <summary>
/// Where the private cluster lives and which PostgreSQL programs run it. The cluster normally sits in
/// <c>DataDir/postgres</c>. As root, the server runs as the <c>postgres</c> OS user, which cannot walk into a folder
/// such as root's 0700 home; then the cluster goes to a folder of its own under <c>Hub:Database:ClusterRoot</c>
/// (default <c>/var/lib/hub</c>), and the data folder records where (<see cref="LocationFile"/>), so the same data
/// folder always finds the same cluster. Hub never changes the permissions of folders it did not create.
/// </summary>
public static class EmbeddedPostgresLayout
{
    public const string DebianVersionsRoot = "/usr/lib/postgresql";
    public const string DefaultClusterRoot = "/var/lib/hub";

    /// <summary>In the data folder: the absolute folder of its cluster, when that is not <c>DataDir/postgres</c>.</summary>
    public const string LocationFile = "postgres.location";

    /// <summary>The folder holding the cluster of <paramref name="dataDir"/> (created and recorded when it is a new one).</summary>
    public static string ChooseRoot(string dataDir, string? clusterRoot, bool asRoot)
    {
        dataDir = Path.GetFullPath(dataDir);
        var recorded = Path.Combine(dataDir, LocationFile);
        if (File.Exists(recorded) && File.ReadAllText(recorded).Trim() is { Length: > 0 } where)
        {
            return where;
        }
        var inData = Path.Combine(dataDir, "postgres");
        if (!asRoot || File.Exists(Path.Combine(inData, "cluster", "PG_VERSION")) || BlockingAncestor(inData) is null)
        {
            return inData;
        }
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(dataDir)))[..16].ToLowerInvariant();
        var root = Path.Combine(Path.GetFullPath(string.IsNullOrWhiteSpace(clusterRoot) ? DefaultClusterRoot : clusterRoot), "cluster-" + hash);
        Directory.CreateDirectory(dataDir);
        File.WriteAllText(recorded, root + "\n");
        return root;
    }

    /// <summary>The nearest existing ancestor of <paramref name="dir"/> that other users cannot traverse, if any.</summary>
    public static string? BlockingAncestor(string dir)
    {
        for (var d = Directory.GetParent(Path.GetFullPath(dir)); d is not null; d = d.Parent)
        {
            if (d.Exists && (File.GetUnixFileMode(d.FullName) & UnixFileMode.OtherExecute) == 0)
            {
                return d.FullName;
            }
        }
        return null;
    }

    /// <summary>The major version that made the cluster (its <c>PG_VERSION</c>), or null before initdb.</summary>
    public static int? ClusterVersion(string clusterDir)
    {
        var file = Path.Combine(clusterDir, "PG_VERSION");
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var v) ? v : null;
    }

    /// <summary>The installed major versions with server programs, newest first.</summary>
    public static IReadOnlyList<(int Version, string BinDir)> Installed(string versionsRoot) =>
        !Directory.Exists(versionsRoot) ? []
        : Directory.GetDirectories(versionsRoot)
            .Select(d => (Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0, BinDir: Path.Combine(d, "bin")))
            .Where(x => x.Version > 0 && File.Exists(Path.Combine(x.BinDir, "initdb")) && File.Exists(Path.Combine(x.BinDir, "pg_ctl")))
            .OrderByDescending(x => x.Version)
            .ToList();

    /// <summary>
    /// The programs for a cluster made by <paramref name="clusterVersion"/>: those of the same major version (a newer
    /// server cannot open it), or, for a new cluster, the newest installed.
    /// </summary>
    public static string? BinDirFor(int? clusterVersion, string versionsRoot)
    {
        var installed = Installed(versionsRoot);
        if (clusterVersion is not { } v)
        {
            return installed.Count > 0 ? installed[0].BinDir : null;
        }
        var match = installed.FirstOrDefault(x => x.Version == v);
        return match.BinDir ?? throw new DatabaseUnavailableException(
            $"The private PostgreSQL cluster was made by PostgreSQL {v}, whose server programs are not installed" +
            (installed.Count > 0 ? $" (installed: {string.Join(", ", installed.Select(x => x.Version))})" : "") +
            $". Install them (apt-get install postgresql-{v}) and then move the cluster to the newer version with `hub db upgrade`, " +
            "or set Hub:Database:PostgresBinDir.");
    }
}
