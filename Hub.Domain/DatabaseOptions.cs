namespace Hub.Domain;

public sealed class DatabaseOptions
{
    /// <summary>Folder with initdb/pg_ctl for the private cluster; found automatically when empty.</summary>
    public string? PostgresBinDir { get; set; }

    /// <summary>
    /// As root, where the private cluster goes when the <c>postgres</c> OS user cannot reach <c>DataDir/postgres</c>
    /// (a data folder in root's 0700 home): a folder of its own under this one, recorded in <c>DataDir/postgres.location</c>.
    /// </summary>
    public string ClusterRoot { get; set; } = Storage.EmbeddedPostgresLayout.DefaultClusterRoot;

    /// <summary>Name of the database inside the private cluster.</summary>
    public string EmbeddedDatabase { get; set; } = "hub";

    /// <summary>How often the database is checked (and the private cluster's postmaster looked for).</summary>
    public TimeSpan SuperviseInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between two restart attempts of a private cluster that died (1 s, 2 s, 4 s… up to this).</summary>
    public TimeSpan RestartMaxDelay { get; set; } = TimeSpan.FromSeconds(30);
}
