namespace Hub.Domain.Storage;

public sealed class EmbeddedPostgresSettings
{
    /// <summary>Folder holding initdb and pg_ctl; found automatically when empty.</summary>
    public string? BinDir { get; init; }
    /// <summary>Trade durability for speed (fsync off: safe while the machine stays up): for throwaway test clusters only.</summary>
    public bool Fast { get; init; }
    /// <summary>Where Debian keeps one folder per PostgreSQL major version (<c>15/bin</c>, <c>17/bin</c>).</summary>
    public string VersionsRoot { get; init; } = EmbeddedPostgresLayout.DebianVersionsRoot;
}
