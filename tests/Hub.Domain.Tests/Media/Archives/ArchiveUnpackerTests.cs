using System.Formats.Tar;
using Hub.Domain.Imports;
using Hub.Domain.Media.Archives;

namespace Hub.Domain.Tests.Media.Archives;

public sealed class ArchiveUnpackerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hub-unpack-").FullName;
    private static readonly byte[] Clip = [.. Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7919 % 251))];

    private string In(string name) => Path.Combine(_dir, name);
    private string Out => Path.Combine(_dir, "out");

    private UnpackResult Unpack(string archive, ArchiveOptions? limits = null) =>
        ArchiveUnpacker.Unpack(archive, Out, limits ?? new ArchiveOptions(), null, CancellationToken.None);

    [Fact]
    public void Zip_UnpacksEveryFile_WithItsFolders()
    {
        TestArchives.Zip(In("a.zip"), ("Season 1/ep1.mp4", Clip), ("notes.txt", TestArchives.Text("hello")));
        var result = Unpack(In("a.zip"));
        Assert.Equal(Clip, File.ReadAllBytes(Path.Combine(Out, "Season 1", "ep1.mp4")));
        Assert.Equal("hello", File.ReadAllText(Path.Combine(Out, "notes.txt")));
        Assert.Equal(2, result.Files.Count);
        Assert.Equal(Clip.Length + 5, result.Bytes);
    }

    [Theory]
    [InlineData("tar", null)]
    [InlineData("tar.gz", "gzip")]
    [InlineData("tar.bz2", "bzip2")]
    [InlineData("tar.xz", "xz")]
    public void Tar_PlainOrCompressed_Unpacks(string ext, string? compressor)
    {
        TestArchives.Tar(In("a.tar"), TestArchives.File("clips/a.mp4", Clip), TestArchives.File("b.mp3", Clip[..1000]));
        var path = In("a." + ext);
        if (compressor == "gzip") TestArchives.Gzip(In("a.tar"), path);
        else if (compressor is not null) TestArchives.Compress(compressor, In("a.tar"), path);
        Assert.Equal(compressor ?? "tar", ArchiveSniffer.Detect(path));

        var result = Unpack(path);
        Assert.Equal(Clip, File.ReadAllBytes(Path.Combine(Out, "clips", "a.mp4")));
        Assert.Equal(1000, new FileInfo(Path.Combine(Out, "b.mp3")).Length);
        Assert.Equal(2, result.Files.Count);
    }

    [Theory]
    [InlineData("Rar.rar", "rar")]
    [InlineData("Rar5.rar", "rar")]
    [InlineData("7Zip.LZMA2.7z", "7z")]
    public void RarAnd7z_FromSharpCompressSamples_Unpack(string sample, string format)
    {
        var path = Path.Combine(TestArchives.Samples, sample);
        Assert.Equal(format, ArchiveSniffer.Detect(path));
        var result = Unpack(path);
        Assert.NotEmpty(result.Files);
        Assert.All(result.Files, f => Assert.StartsWith(Out + "/", f));
        Assert.Equal(result.Bytes, result.Files.Sum(f => new FileInfo(f).Length));
        Assert.Contains(result.Files, f => f.EndsWith(".jpg", StringComparison.Ordinal) && new FileInfo(f).Length > 0);
    }

    [Fact]
    public void NestedArchive_IsUnpackedOneLevelDeep_ADeeperOneIsLeftAlone()
    {
        TestArchives.Zip(In("deepest.zip"), ("deep.mp4", Clip));
        TestArchives.Zip(In("inner.zip"), ("song.mp3", Clip[..5000]), ("deeper.zip", File.ReadAllBytes(In("deepest.zip"))));
        TestArchives.Tar(In("outer.tar"), TestArchives.File("top.mp4", Clip), TestArchives.File("more/inner.zip", File.ReadAllBytes(In("inner.zip"))));

        var result = Unpack(In("outer.tar"));

        Assert.Equal(1, result.NestedArchives);
        Assert.Equal(1, result.SkippedArchives);
        Assert.Equal(["more/inner.zip.d/song.mp3", "top.mp4"], result.Files.Select(f => Path.GetRelativePath(Out, f)).Order().ToArray());
        Assert.False(File.Exists(Path.Combine(Out, "more", "inner.zip")));
    }

    [Theory]
    [InlineData("7Zip.LZMA2.Aes.7z")]
    [InlineData("Rar5.encrypted_filesOnly.rar")]
    public void EncryptedSamples_AreRefused_AsEncrypted(string sample)
    {
        var ex = Assert.Throws<ImportFailedException>(() => Unpack(Path.Combine(TestArchives.Samples, sample)));
        Assert.Equal("archive-encrypted", ex.Type);
        Assert.Contains("password", ex.Message);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void EncryptedZip_IsRefused_AsEncrypted()
    {
        TestArchives.Zip(In("locked.zip"), ("a.mp4", Clip));
        TestArchives.MarkEncrypted(In("locked.zip"));
        Assert.Equal("archive-encrypted", Assert.Throws<ImportFailedException>(() => Unpack(In("locked.zip"))).Type);
    }

    [Fact]
    public void Progress_IsReported_UpToTheArchiveSize()
    {
        TestArchives.Tar(In("p.tar"), TestArchives.File("a.mp4", Clip), TestArchives.File("b.mp4", Clip));
        var reports = new List<UnpackProgress>();
        ArchiveUnpacker.Unpack(In("p.tar"), Out, new ArchiveOptions(), new SyncProgress(reports.Add), CancellationToken.None);
        Assert.True(reports.Count >= 2);
        Assert.Equal(new FileInfo(In("p.tar")).Length, reports[^1].PackedTotal);
        Assert.Equal(2L * Clip.Length, reports[^1].Unpacked);
    }

    [Fact]
    public void Sniffer_GoesByBytes_NotByName()
    {
        TestArchives.Zip(In("clip.mp4"), ("a.mp4", Clip));
        File.WriteAllText(In("clips.zip"), "not an archive at all");
        Assert.Equal("zip", ArchiveSniffer.Detect(In("clip.mp4")));
        Assert.Null(ArchiveSniffer.Detect(In("clips.zip")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

/// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the pool, too late for an assertion).</summary>
internal sealed class SyncProgress(Action<UnpackProgress> report) : IProgress<UnpackProgress>
{
    public void Report(UnpackProgress value) => report(value);
}
