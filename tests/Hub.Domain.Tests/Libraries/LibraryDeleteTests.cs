using Hub.Domain.Entries;
using Hub.Domain.Libraries;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Tests.Libraries;

public sealed class LibraryDeleteTests(LibraryFixture db) : IClassFixture<LibraryFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private LibraryService Libraries => db.Libraries;

    private async Task<Library> NewLibraryAsync(string prefix)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        return await Libraries.CreateAsync(new LibraryInput($"{prefix} {tag}", RootFolder: $"{prefix}-{tag}".ToLowerInvariant()), Ct);
    }

    /// <summary>Writes a file under the library root and inserts its entry row directly.</summary>
    private async Task<Entry> AddEntryAsync(Library library, string relativePath, string content = "media")
    {
        var root = FilePlacer.ResolveRoot(library, new HubOptions { DataDir = db.DataDir });
        var path = Path.Combine(root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, content);
        var entry = new Entry
        {
            Id = Guid.CreateVersion7(),
            LibraryId = library.Id,
            Title = Path.GetFileNameWithoutExtension(path),
            FilePath = path,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        await using var ctx = db.CreateDb();
        ctx.Entries.Add(entry);
        await ctx.SaveChangesAsync();
        return entry;
    }

    private async Task<Entry?> LoadEntryAsync(Guid id)
    {
        await using var ctx = db.CreateDb();
        return await ctx.Entries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id);
    }

    [Fact]
    public async Task Delete_Empty_Removes()
    {
        var lib = await NewLibraryAsync("Empty");
        var result = await Libraries.DeleteAsync(lib.Id, null, Ct);
        Assert.Equal(new LibraryDeleteResult(0, 0, 0), result);
        await Assert.ThrowsAsync<HubNotFoundException>(() => Libraries.GetAsync(lib.Id, Ct));
    }

    [Fact]
    public async Task Delete_Unknown_IsNotFound() =>
        await Assert.ThrowsAsync<HubNotFoundException>(() => Libraries.DeleteAsync(Guid.NewGuid(), LibraryDeleteMode.Refuse, Ct));

    [Fact]
    public async Task Delete_WithEntries_IsRefusedWithTheCount()
    {
        var lib = await NewLibraryAsync("Full");
        await AddEntryAsync(lib, "a.mp4");
        await AddEntryAsync(lib, "b.mp4");
        var ex = await Assert.ThrowsAsync<HubConflictException>(() => Libraries.DeleteAsync(lib.Id, LibraryDeleteMode.Refuse, Ct));
        Assert.Equal("library-not-empty", ex.Type);
        Assert.Contains("2 entries", ex.Message);
        Assert.NotNull(await Libraries.FindAsync(lib.Slug, Ct));
    }

    [Fact]
    public async Task Delete_MoveEntries_MovesRowsAndFilesKeepingRelativePaths()
    {
        var source = await NewLibraryAsync("Source");
        var target = await NewLibraryAsync("Target");
        var e1 = await AddEntryAsync(source, "youtube/Chan/One.mp4", "one");
        var e2 = await AddEntryAsync(source, "Two.mp4", "two");
        await AddEntryAsync(target, "Two.mp4", "already there"); // a collision in the target

        var result = await Libraries.DeleteAsync(source.Id, LibraryDeleteMode.MoveEntriesTo(target.Id), Ct);

        Assert.Equal(new LibraryDeleteResult(2, 0, 0), result);
        var targetRoot = FilePlacer.ResolveRoot(target, new HubOptions { DataDir = db.DataDir });
        var moved1 = await LoadEntryAsync(e1.Id);
        var moved2 = await LoadEntryAsync(e2.Id);
        Assert.Equal(target.Id, moved1!.LibraryId);
        Assert.Equal(Path.Combine(targetRoot, "youtube", "Chan", "One.mp4"), moved1.FilePath);
        Assert.Equal(Path.Combine(targetRoot, "Two (2).mp4"), moved2!.FilePath);
        Assert.Equal("one", await File.ReadAllTextAsync(moved1.FilePath));
        Assert.Equal("two", await File.ReadAllTextAsync(moved2.FilePath));
        Assert.Equal("already there", await File.ReadAllTextAsync(Path.Combine(targetRoot, "Two.mp4")));
        Assert.False(File.Exists(e1.FilePath));
        Assert.False(File.Exists(e2.FilePath));
        Assert.Empty(Directory.GetFileSystemEntries(FilePlacer.ResolveRoot(source, new HubOptions { DataDir = db.DataDir })));
        await Assert.ThrowsAsync<HubNotFoundException>(() => Libraries.GetAsync(source.Id, Ct));
    }

    [Fact]
    public async Task Delete_MoveEntries_MissingFile_StillMovesTheRow()
    {
        var source = await NewLibraryAsync("Gone");
        var target = await NewLibraryAsync("Keeper");
        var entry = await AddEntryAsync(source, "lost.mp4");
        File.Delete(entry.FilePath);
        var result = await Libraries.DeleteAsync(source.Id, LibraryDeleteMode.MoveEntriesTo(target.Id), Ct);
        Assert.Equal(new LibraryDeleteResult(1, 0, 1), result);
        Assert.Equal(target.Id, (await LoadEntryAsync(entry.Id))!.LibraryId);
    }

    [Fact]
    public async Task Delete_MoveEntries_IntoItselfOrNowhere_IsRefused()
    {
        var lib = await NewLibraryAsync("Self");
        await AddEntryAsync(lib, "x.mp4");
        var self = await Assert.ThrowsAsync<HubValidationException>(() => Libraries.DeleteAsync(lib.Id, LibraryDeleteMode.MoveEntriesTo(lib.Id), Ct));
        Assert.Equal("targetLibraryId", self.Field);
        await Assert.ThrowsAsync<HubNotFoundException>(() => Libraries.DeleteAsync(lib.Id, LibraryDeleteMode.MoveEntriesTo(Guid.NewGuid()), Ct));
        Assert.NotNull(await Libraries.FindAsync(lib.Id.ToString(), Ct));
    }

    [Fact]
    public async Task Delete_RemoveEntries_DeletesRowsAndFiles()
    {
        var lib = await NewLibraryAsync("Doomed");
        var e1 = await AddEntryAsync(lib, "deep/folder/a.mp4");
        var e2 = await AddEntryAsync(lib, "b.mp4");
        var outside = Path.Combine(db.DataDir, "outside-" + Guid.NewGuid().ToString("N") + ".mp4");
        await File.WriteAllTextAsync(outside, "not the library's");
        await using (var ctx = db.CreateDb())
        {
            await ctx.Entries.Where(e => e.Id == e2.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.ThumbnailPath, outside));
        }

        var result = await Libraries.DeleteAsync(lib.Id, LibraryDeleteMode.RemoveEntries, Ct);

        Assert.Equal(new LibraryDeleteResult(0, 2, 0), result);
        Assert.Null(await LoadEntryAsync(e1.Id));
        Assert.Null(await LoadEntryAsync(e2.Id));
        Assert.False(File.Exists(e1.FilePath));
        Assert.False(File.Exists(e2.FilePath));
        Assert.False(Directory.Exists(Path.GetDirectoryName(e1.FilePath)));
        Assert.True(File.Exists(outside)); // only files under the library root are deleted
        Assert.Null(await Libraries.FindAsync(lib.Id.ToString(), Ct));
    }
}

public sealed class LibraryDefaultsTests(LibraryFixture db) : IClassFixture<LibraryFixture>
{
    [Fact]
    public async Task EnsureDefaults_ConcurrentCalls_CreateVideosAndMusicOnce()
    {
        var created = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => db.Libraries.EnsureDefaultsAsync(CancellationToken.None))));
        Assert.Single(created, c => c);
        Assert.False(await db.Libraries.EnsureDefaultsAsync(CancellationToken.None));

        var all = await db.Libraries.ListAsync(CancellationToken.None);
        Assert.Equal(["Music", "Videos"], all.Select(l => l.Name));
        var videos = all.Single(l => l.Slug == "videos");
        Assert.Equal(("videos", "{platform}/{uploader}/{title} [{id}].{ext}", "video_best", "video", true),
            (videos.RootFolder, videos.PathTemplate, videos.DefaultFormat, videos.MediaKind, videos.IsDefault));
        var music = all.Single(l => l.Slug == "music");
        Assert.Equal(("music", "{uploader}/{title}.{ext}", "audio_best", "audio", true),
            (music.RootFolder, music.PathTemplate, music.DefaultFormat, music.MediaKind, music.IsDefault));
        var rules = LibraryRules.FromJson(music.Rules);
        Assert.Equal(2, rules.Count);
        Assert.Equal(new[] { "soundcloud" }, rules[0].Platforms);
        Assert.Equal("audio", rules[1].MediaKind);

        // The defaults classify as designed.
        var audio = LibraryClassifier.Classify(all, new ClassificationInput("bandcamp", "bandcamp.com", "audio", 200, "Song"));
        Assert.Equal("Music", audio.Library?.Name);
        var video = LibraryClassifier.Classify(all, new ClassificationInput("youtube", "youtube.com", "video", 200, "Clip"));
        Assert.Equal(("Videos", true), (video.Library?.Name, video.FallbackUsed));
    }
}
