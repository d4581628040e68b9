namespace Hub.Domain;

public sealed class DatabaseOptions
{
    /// <summary>Folder with initdb/pg_ctl for the private cluster; found automatically when empty.</summary>
    public string? PostgresBinDir { get; set; }

    /// <summary>Name of the database inside the private cluster.</summary>
    public string EmbeddedDatabase { get; set; } = "hub";
}
