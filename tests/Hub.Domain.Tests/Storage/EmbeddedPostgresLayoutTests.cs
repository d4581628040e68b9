using Hub.Domain.Storage;

namespace Hub.Domain.Tests.Storage;

/// <summary>Where the private cluster lives, and which PostgreSQL programs run it when several versions are installed.</summary>
public sealed class EmbeddedPostgresLayoutTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("hub-layout-").FullName;

    public EmbeddedPostgresLayoutTests() => File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101); // made 0700; others must traverse it here

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string FakeVersions(params int[] versions)
    {
        var root = Path.Combine(_root, "postgresql");
        foreach (var v in versions)
        {
            var bin = Directory.CreateDirectory(Path.Combine(root, v.ToString(System.Globalization.CultureInfo.InvariantCulture), "bin")).FullName;
            File.WriteAllText(Path.Combine(bin, "initdb"), "");
            File.WriteAllText(Path.Combine(bin, "pg_ctl"), "");
        }
        return root;
    }

    [Fact]
    public void BinDir_ForAClusterOfAnOlderVersion_IsThatVersionsEvenWhenANewerIsInstalled()
    {
        var versions = FakeVersions(15, 17);
        Assert.Equal(Path.Combine(versions, "15", "bin"), EmbeddedPostgresLayout.BinDirFor(15, versions));
        Assert.Equal(Path.Combine(versions, "17", "bin"), EmbeddedPostgresLayout.BinDirFor(null, versions)); // a new cluster: the newest
    }

    [Fact]
    public void BinDir_ForAClusterWhoseVersionIsGone_SaysHowToUpgrade()
    {
        var ex = Assert.Throws<DatabaseUnavailableException>(() => EmbeddedPostgresLayout.BinDirFor(13, FakeVersions(15, 17)));
        Assert.Contains("PostgreSQL 13", ex.Message);
        Assert.Contains("hub db upgrade", ex.Message);
        Assert.Contains("postgresql-13", ex.Message);
    }

    [Fact]
    public void Root_AsRoot_UnderAFolderOthersCannotTraverse_MovesToTheClusterRoot_AndIsRecorded()
    {
        var home = Directory.CreateDirectory(Path.Combine(_root, "home")).FullName;
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var data = Path.Combine(home, "hub", "data");
        var clusters = Path.Combine(_root, "var-lib-hub");

        var chosen = EmbeddedPostgresLayout.ChooseRoot(data, clusters, asRoot: true);

        Assert.StartsWith(clusters + "/", chosen);
        Assert.Equal(chosen, File.ReadAllText(Path.Combine(data, EmbeddedPostgresLayout.LocationFile)).Trim());
        Assert.Equal(chosen, EmbeddedPostgresLayout.ChooseRoot(data, Path.Combine(_root, "elsewhere"), asRoot: true)); // recorded wins
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(home)); // untouched
    }

    [Fact]
    public void Root_WhenTraversable_OrNotRoot_StaysInTheDataFolder()
    {
        var data = Path.Combine(_root, "open", "data");
        Assert.Equal(Path.Combine(data, "postgres"), EmbeddedPostgresLayout.ChooseRoot(data, "/nonexistent", asRoot: true));
        var home = Directory.CreateDirectory(Path.Combine(_root, "closed")).FullName;
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.Equal(Path.Combine(home, "data", "postgres"), EmbeddedPostgresLayout.ChooseRoot(Path.Combine(home, "data"), "/nonexistent", asRoot: false));
    }
}
