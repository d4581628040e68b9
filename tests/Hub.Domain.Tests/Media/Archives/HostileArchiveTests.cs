using System.Formats.Tar;
using Hub.Domain.Imports;
using Hub.Domain.Media.Archives;

namespace Hub.Domain.Tests.Media.Archives;

/// <summary>
/// The hostile corpus: every archive here is refused, nothing is left in (or outside) the folder it was unpacked into,
/// and memory stays bounded while it is read.
/// </summary>
public sealed class HostileArchiveTests : IDisposable
{
    private readonly string _sandbox = Directory.CreateTempSubdirectory("hub-hostile-").FullName;
    private readonly string _tag = Guid.NewGuid().ToString("N")[..12];
    private long _peakMemory;

    private string In(string name) => Path.Combine(_sandbox, "in", name);
    private string Work => Path.Combine(_sandbox, "work");
    private string Out => Path.Combine(Work, "unpacked");

    public HostileArchiveTests() => Directory.CreateDirectory(Path.Combine(_sandbox, "in"));

    /// <summary>Unpacks, expects a refusal of <paramref name="type"/>, and checks nothing was written anywhere.</summary>
    private ImportFailedException Refused(string archive, string type, ArchiveOptions? limits = null, List<UnpackProgress>? reports = null)
    {
        var ex = Assert.Throws<ImportFailedException>(() =>
            ArchiveUnpacker.Unpack(archive, Out, limits ?? new ArchiveOptions(), new SyncProgress(p =>
            {
                reports?.Add(p);
                if (p.Entries % 1000 == 0) _peakMemory = Math.Max(_peakMemory, GC.GetTotalMemory(false));
            }), CancellationToken.None));
        Assert.True(ex.Type == type, $"{ex.Type}: {ex.Message}");
        Assert.False(ex.Transient);
        Assert.False(Directory.Exists(Out), "the unpack folder was not removed");
        // Nothing beside the inputs and the (empty) work folder, anywhere in the sandbox.
        var stray = Directory.EnumerateFileSystemEntries(_sandbox, "*", SearchOption.AllDirectories)
            .Where(p => !p.StartsWith(Path.Combine(_sandbox, "in"), StringComparison.Ordinal) && p != Work).ToList();
        Assert.Empty(stray);
        return ex;
    }

    [Fact]
    public void ZipSlip_IsRefused()
    {
        TestArchives.Zip(In("slip.zip"), ("ok.mp4", [1, 2, 3]), ("../../evil.txt", TestArchives.Text("owned")));
        Assert.Contains("leaves the folder", Refused(In("slip.zip"), "archive-unsafe").Message);
    }

    [Fact]
    public void ZipSlip_WithBackslashes_IsRefused()
    {
        TestArchives.Zip(In("slip2.zip"), ("..\\..\\evil.txt", TestArchives.Text("owned")));
        Refused(In("slip2.zip"), "archive-unsafe");
    }

    [Fact]
    public void AbsolutePath_IsRefused()
    {
        var target = $"/tmp/hub-abs-{_tag}.txt";
        TestArchives.Tar(In("abs.tar"), TestArchives.File(target, TestArchives.Text("owned")));
        Assert.Contains("absolute", Refused(In("abs.tar"), "archive-unsafe").Message);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void DriveLetter_IsRefused()
    {
        TestArchives.Zip(In("drive.zip"), ("C:/Windows/evil.txt", TestArchives.Text("owned")));
        Refused(In("drive.zip"), "archive-unsafe");
    }

    [Fact]
    public void SymlinkToEtc_ThenAFileThroughIt_IsRefused()
    {
        TestArchives.Tar(In("link.tar"), TestArchives.Link(TarEntryType.SymbolicLink, "etc", "/etc"),
            TestArchives.File($"etc/hub-evil-{_tag}", TestArchives.Text("owned")));
        Assert.Contains("link", Refused(In("link.tar"), "archive-unsafe").Message);
        Assert.False(File.Exists($"/etc/hub-evil-{_tag}"));
    }

    [Fact]
    public void HardLink_IsRefused()
    {
        TestArchives.Tar(In("hard.tar"), TestArchives.Link(TarEntryType.HardLink, "passwd", "/etc/passwd"));
        Refused(In("hard.tar"), "archive-unsafe");
    }

    [Theory]
    [InlineData(TarEntryType.CharacterDevice, "device")]
    [InlineData(TarEntryType.BlockDevice, "device")]
    [InlineData(TarEntryType.Fifo, "FIFO")]
    public void DeviceFilesAndFifos_AreRefused(TarEntryType type, string word)
    {
        TestArchives.Tar(In("dev.tar"), TestArchives.File("a.mp4", [1, 2, 3]), new PaxTarEntry(type, "null"));
        Assert.Contains(word, Refused(In("dev.tar"), "archive-unsafe").Message);
    }

    [Fact]
    public void LyingHeaders_AreNotTrusted_TheBytesWrittenAreCounted()
    {
        // 8 MiB of zeros whose headers claim 100 bytes; the ratio check is off, so only the header check can catch it.
        TestArchives.LyingZip(In("liar.zip"), 8 << 20, 100);
        var ex = Refused(In("liar.zip"), "archive-bomb", new ArchiveOptions { MaxRatio = 1e9 });
        Assert.Contains("header", ex.Message);
    }

    [Fact]
    public void LyingHeaders_AlsoMeetTheTotalCap()
    {
        TestArchives.LyingZip(In("liar2.zip"), 8 << 20, 0);
        Refused(In("liar2.zip"), "archive-bomb", new ArchiveOptions { MaxRatio = 1e9, MaxUnpackedBytes = 1 << 20 });
    }

    [Fact]
    public void HighlyCompressibleStream_IsCaughtByItsRatio_Early()
    {
        TestArchives.Zip(In("zeros.zip"), ("zeros.mp4", new byte[64 << 20]));
        var reports = new List<UnpackProgress>();
        var ex = Refused(In("zeros.zip"), "archive-bomb", new ArchiveOptions(), reports);
        Assert.Contains("expands more than", ex.Message);
        // Caught just past the grace amount, long before the 64 MiB the entry holds.
        Assert.True(reports.Count == 0 || reports.Max(r => r.Unpacked) < 8 << 20, $"{reports.Max(r => r.Unpacked)} bytes were unpacked first");
    }

    [Fact]
    public void HundredThousandTinyEntries_AreRefused_WithBoundedMemory()
    {
        using (var zip = System.IO.Compression.ZipFile.Open(In("many.zip"), System.IO.Compression.ZipArchiveMode.Create))
        {
            for (var i = 0; i < 100_000; i++)
            {
                using var s = zip.CreateEntry($"f{i}.txt", System.IO.Compression.CompressionLevel.NoCompression).Open();
                s.WriteByte((byte)'x');
            }
        }
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var ex = Refused(In("many.zip"), "archive-bomb");
        Assert.Contains("10,000 entries", ex.Message);
        // Read entry by entry: memory while reading the first 10,000 entries stays small.
        Assert.True(_peakMemory - before < 64L << 20, $"memory grew by {(_peakMemory - before) >> 20} MiB");
        Assert.True(_peakMemory > 0);
    }

    [Theory]
    [InlineData("zip")]
    [InlineData("tar.gz")]
    public void TruncatedArchive_IsRefused_AsDamaged(string kind)
    {
        var clip = Enumerable.Range(0, 400_000).Select(i => (byte)(i * 31 % 253)).ToArray();
        var whole = In("whole." + kind);
        if (kind == "zip")
        {
            TestArchives.Zip(whole, ("a.mp4", clip), ("b.mp4", clip));
        }
        else
        {
            TestArchives.Tar(In("whole.tar"), TestArchives.File("a.mp4", clip), TestArchives.File("b.mp4", clip));
            TestArchives.Gzip(In("whole.tar"), whole);
        }
        var bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(In("cut." + kind), bytes[..(bytes.Length * 2 / 3)]);
        Refused(In("cut." + kind), "archive-damaged");
    }

    [Fact]
    public void WrongExtension_ZipSlipCalledMp4_IsStillCaught()
    {
        TestArchives.Zip(In("movie.mp4"), ("../../evil.txt", TestArchives.Text("owned")));
        Assert.Equal("zip", ArchiveSniffer.Detect(In("movie.mp4")));
        Refused(In("movie.mp4"), "archive-unsafe");
    }

    [Fact]
    public void WrongExtension_TextCalledZip_IsNotAnArchive()
    {
        File.WriteAllText(In("clips.zip"), "<html>not a zip</html>");
        Assert.Null(ArchiveSniffer.Detect(In("clips.zip")));
        Refused(In("clips.zip"), "archive-damaged");
    }

    public void Dispose() => Directory.Delete(_sandbox, recursive: true);
}
