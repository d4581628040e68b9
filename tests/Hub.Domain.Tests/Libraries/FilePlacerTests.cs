using Hub.Domain.Libraries;

namespace Hub.Domain.Tests.Libraries;

public sealed class FilePlacerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "hub-placer-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly FilePlacer _placer = new();

    public FilePlacerTests() => Directory.CreateDirectory(Path.Combine(_dir, "tmp"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Root => Path.Combine(_dir, "library");

    private string Source(string content = "data")
    {
        var path = Path.Combine(_dir, "tmp", Guid.NewGuid().ToString("N") + ".part");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task Place_CreatesNestedFolders_AndMoves()
    {
        var source = Source("hello");
        var placed = await _placer.PlaceAsync(source, Root, "youtube/Channel/Title [id].mp4", CancellationToken.None);
        Assert.Equal(Path.Combine(Root, "youtube", "Channel", "Title [id].mp4"), placed);
        Assert.Equal("hello", await File.ReadAllTextAsync(placed));
        Assert.False(File.Exists(source));
    }

    [Fact]
    public async Task Place_Collisions_GetNumberedNames()
    {
        var first = await _placer.PlaceAsync(Source("1"), Root, "a/Title.mp4", CancellationToken.None);
        var second = await _placer.PlaceAsync(Source("2"), Root, "a/Title.mp4", CancellationToken.None);
        var third = await _placer.PlaceAsync(Source("3"), Root, "a/Title.mp4", CancellationToken.None);
        Assert.Equal(Path.Combine(Root, "a", "Title.mp4"), first);
        Assert.Equal(Path.Combine(Root, "a", "Title (2).mp4"), second);
        Assert.Equal(Path.Combine(Root, "a", "Title (3).mp4"), third);
        Assert.Equal("1", await File.ReadAllTextAsync(first));
        Assert.Equal("3", await File.ReadAllTextAsync(third));
    }

    [Fact]
    public async Task Place_ConcurrentSameName_NeverOverwrites()
    {
        var sources = Enumerable.Range(0, 20).Select(i => Source(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var placed = await Task.WhenAll(sources.Select(s => Task.Run(() => _placer.PlaceAsync(s, Root, "Same.mp4", CancellationToken.None))));
        Assert.Equal(20, placed.Distinct().Count());
        var contents = placed.Select(File.ReadAllText).OrderBy(c => int.Parse(c, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), contents);
    }

    [Fact]
    public async Task Place_CopyPath_LeavesNoTempFilesAndKeepsContent()
    {
        var source = Source(new string('x', 3_000_000));
        var placed = await FilePlacer.PlaceAsync(source, Root, "copy/Big.bin", forceCopy: true, CancellationToken.None);
        Assert.Equal(3_000_000, new FileInfo(placed).Length);
        Assert.False(File.Exists(source));
        Assert.Equal(["Big.bin"], Directory.GetFiles(Path.Combine(Root, "copy")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Place_CopyPath_CollisionsToo()
    {
        await FilePlacer.PlaceAsync(Source("1"), Root, "T.mp4", forceCopy: true, CancellationToken.None);
        var second = await FilePlacer.PlaceAsync(Source("2"), Root, "T.mp4", forceCopy: true, CancellationToken.None);
        Assert.Equal(Path.Combine(Root, "T (2).mp4"), second);
        Assert.Equal(2, Directory.GetFiles(Root).Length);
    }

    [Fact]
    public async Task Place_AcrossFileSystems_Works()
    {
        if (!Directory.Exists("/dev/shm"))
        {
            return; // no second file system to try
        }
        var shm = Path.Combine("/dev/shm", "hub-placer-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(shm);
        try
        {
            var source = Path.Combine(shm, "file.part");
            await File.WriteAllTextAsync(source, "across");
            var placed = await _placer.PlaceAsync(source, Root, "x/Across.mp4", CancellationToken.None);
            Assert.Equal("across", await File.ReadAllTextAsync(placed));
            Assert.False(File.Exists(source));
            Assert.Equal(["Across.mp4"], Directory.GetFiles(Path.Combine(Root, "x")).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(shm, recursive: true);
        }
    }

    [Fact]
    public async Task Place_Cancelled_LeavesSourceAndNoTemp()
    {
        var source = Source(new string('x', 1000));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FilePlacer.PlaceAsync(source, Root, "c/T.mp4", forceCopy: true, cts.Token));
        Assert.True(File.Exists(source));
        Assert.Empty(Directory.GetFiles(Path.Combine(Root, "c")));
    }

    [Theory]
    [InlineData("../escape.mp4")]
    [InlineData("a/../../escape.mp4")]
    [InlineData("/etc/escape.mp4")]
    [InlineData("")]
    public async Task Place_EscapingTheRoot_IsRefused(string relative)
    {
        var source = Source();
        await Assert.ThrowsAsync<HubValidationException>(() => _placer.PlaceAsync(source, Root, relative, CancellationToken.None));
        Assert.True(File.Exists(source));
        Assert.False(File.Exists(Path.Combine(_dir, "escape.mp4")));
    }

    [Fact]
    public async Task Place_MissingSource_Throws() =>
        await Assert.ThrowsAsync<FileNotFoundException>(() => _placer.PlaceAsync(Path.Combine(_dir, "nope"), Root, "a.mp4", CancellationToken.None));

    [Theory]
    [InlineData("/m/Title.mp4", 1, "/m/Title.mp4")]
    [InlineData("/m/Title.mp4", 2, "/m/Title (2).mp4")]
    [InlineData("/m/Title.tar.gz", 3, "/m/Title.tar (3).gz")]
    [InlineData("/m/NoExt", 2, "/m/NoExt (2)")]
    public void CandidateName_Numbers(string path, int attempt, string expected) =>
        Assert.Equal(expected, FilePlacer.CandidateName(path, attempt));

    [Theory]
    [InlineData("music", "/media/music")]
    [InlineData("music/", "/media/music")]
    [InlineData("/srv/audio", "/srv/audio")]
    [InlineData("/srv/audio/", "/srv/audio")]
    public void ResolveRoot_RelativeToMediaDir(string root, string expected)
    {
        var library = new Library { Name = "L", Slug = "l", RootFolder = root, PathTemplate = "{title}.{ext}" };
        Assert.Equal(expected, FilePlacer.ResolveRoot(library, new HubOptions { DataDir = "/data", MediaDir = "/media" }));
    }
}
