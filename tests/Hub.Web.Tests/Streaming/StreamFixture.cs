using Hub.Testing;
using Hub.Web.Tests.Entries;

namespace Hub.Web.Tests.Streaming;

/// <summary>The app with a few entries whose files are known byte for byte: 1000 bytes, empty, 1 byte, sparse 4.5 GiB.</summary>
public sealed class StreamFixture : IAsyncLifetime
{
    public const long SparseSize = 4_831_838_208; // 4.5 GiB: offsets past 2^32
    public static readonly byte[] SparseTail = "end-of-the-sparse-file!"u8.ToArray();

    public HubAppFactory App { get; } = new();
    public Guid LibraryId { get; private set; }
    public Guid Small { get; private set; }
    public Guid Empty { get; private set; }
    public Guid One { get; private set; }
    public Guid Sparse { get; private set; }
    public Guid Big { get; private set; }
    public string SmallPath { get; private set; } = "";
    public string BigPath { get; private set; } = "";
    public HttpClient User { get; private set; } = null!;
    public string Files => Path.Combine(App.DataDir, "media", "seed");

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)App).InitializeAsync();
        LibraryId = await EntrySeed.LibraryAsync(App.ConnectionString, "Stream Seeds");
        SmallPath = EntrySeed.WriteFile(Files, "small.mp4", 1000);
        BigPath = EntrySeed.WriteFile(Files, "big.mp3", 8 * 1024 * 1024);
        var sparsePath = Path.Combine(Files, "sparse.mkv");
        await using (var f = new FileStream(sparsePath, FileMode.Create, FileAccess.Write))
        {
            f.SetLength(SparseSize); // never writes 4.5 GiB: the file system keeps the hole
            f.Position = SparseSize - SparseTail.Length;
            f.Write(SparseTail);
        }
        var small = new SeedEntry("Small file") { FilePath = SmallPath, SizeBytes = 1000, ContentHash = new string('a', 64) };
        var empty = new SeedEntry("Empty file") { FilePath = EntrySeed.WriteFile(Files, "empty.webm", 0), Container = "webm" };
        var one = new SeedEntry("One byte") { FilePath = EntrySeed.WriteFile(Files, "one.flac", 1), MediaKind = "audio", Container = "flac", SizeBytes = 1 };
        var sparse = new SeedEntry("Sparse") { FilePath = sparsePath, Container = "matroska", SizeBytes = SparseSize };
        var big = new SeedEntry("Big audio") { FilePath = BigPath, MediaKind = "audio", Container = "mp3", SizeBytes = 8 * 1024 * 1024 };
        await EntrySeed.InsertAsync(App.ConnectionString, LibraryId, small, empty, one, sparse, big);
        (Small, Empty, One, Sparse, Big) = (small.Id, empty.Id, one.Id, sparse.Id, big.Id);
        User = await App.CreateClientAsync("user");
    }

    public async Task DisposeAsync()
    {
        User.Dispose();
        await ((IAsyncLifetime)App).DisposeAsync();
    }

    /// <summary>The byte at <paramref name="offset"/> of an entry's file, as written above.</summary>
    public byte ByteAt(Guid entry, long offset) =>
        entry == Sparse ? (offset >= SparseSize - SparseTail.Length ? SparseTail[offset - (SparseSize - SparseTail.Length)] : (byte)0) : EntrySeed.ByteAt(offset);
}
