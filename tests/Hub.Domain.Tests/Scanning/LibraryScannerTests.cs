using Hub.Domain.Entries;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Scanning;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Tests.Scanning;

public sealed class LibraryScannerTests(ScannerFixture fx) : IClassFixture<ScannerFixture>
{
    private static async Task<string> PutAsync(string root, string relative, Task<string> source, string tag)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(await TestMedia.VariantAsync(await source, tag), path, overwrite: true);
        return path;
    }

    private Task<ScanSummary> ScanAsync(Hub.Domain.Libraries.Library lib) => fx.Get<LibraryScanner>().ScanAsync(lib, null, CancellationToken.None);

    private async Task<List<Entry>> EntriesAsync(Guid library)
    {
        await using var db = fx.CreateDb();
        return await db.Entries.AsNoTracking().Where(e => e.LibraryId == library).OrderBy(e => e.Title).ToListAsync();
    }

    private async Task<ScanFile> BrokenRowAsync(string path)
    {
        await using var db = fx.CreateDb();
        return await db.ScanFiles.AsNoTracking().SingleAsync(f => f.Path == path);
    }

    [Fact]
    public async Task Tree_OfTvFilmAndMusic_ConfidentNamesBecomeEntriesInPlace_TheRestIsUnmatched_RescanChangesNothing()
    {
        var (lib, root) = await fx.LibraryAsync("Scan Tree");
        var episode = await PutAsync(root, "TV/The Test Show/Season 1/The.Test.Show.S01E02.720p.WEB-DL.mp4", TestMedia.VideoAsync(), "scan-ep");
        var film = await PutAsync(root, "Films/Test Film (2001)/Test.Film.2001.1080p.BluRay.mp4", TestMedia.VideoAsync(), "scan-film");
        var song = await PutAsync(root, "Music/Test Artist/Test Album/01 - Test Song.mp3", TestMedia.Mp3Async(), "scan-song");
        var unnamed = await PutAsync(root, "Camera/clip_0034.mp4", TestMedia.VideoAsync(), "scan-unnamed");
        File.WriteAllText(Path.Combine(root, "Films", "notes.txt"), "not media");
        File.WriteAllText(Path.Combine(root, "Films", "broken.mkv"), "not a video either");

        var first = await ScanAsync(lib);

        Assert.Equal(new ScanSummary(5, 0, 3, 0, 1, 0, 0, 1), first);
        Assert.EndsWith("0 unchanged, 1 not playable (named in Hub's log)", first.Text); // a failure is said, not only counted
        var entries = await EntriesAsync(lib.Id);
        Assert.Equal(["Test Artist - Test Song", "Test Film (2001)", "The Test Show S01E02"], entries.Select(e => e.Title).ToArray());
        Assert.Equal([song, film, episode], entries.Select(e => e.FilePath).ToArray()); // where they were: not moved
        Assert.Equal(["audio", "video", "video"], entries.Select(e => e.MediaKind).ToArray());
        Assert.All(entries, e => Assert.Equal(64, e.ContentHash!.Length));
        var unmatched = Assert.Single(await fx.Get<ScanService>().UnmatchedAsync(lib.Id, 10, CancellationToken.None));
        Assert.Equal(unnamed, unmatched.Path);
        Assert.Equal("clip 0034", unmatched.Parsed!.Title);

        var broken = Path.Combine(root, "Films", "broken.mkv");
        var failedRow = await BrokenRowAsync(broken);
        Assert.Equal(ScanFile.StateFailed, failedRow.State);
        Assert.NotNull(failedRow.Error);

        var second = await ScanAsync(lib);
        Assert.Equal(new ScanSummary(5, 4, 0, 0, 0, 0, 0, 1), second);
        Assert.Equal(failedRow.UpdatedAt, (await BrokenRowAsync(broken)).UpdatedAt); // counted again, not probed again
        Assert.Equal(entries.Select(e => (e.Id, e.UpdatedAt)), (await EntriesAsync(lib.Id)).Select(e => (e.Id, e.UpdatedAt)));
        Assert.Single(await fx.Get<ScanService>().UnmatchedAsync(lib.Id, 10, CancellationToken.None));

        // Resolved by a person: an entry in place; ignored ones stay out of the queue on later scans.
        var resolved = await fx.Get<ScanService>().ResolveAsync(unmatched.Id, "Birthday 2024", null, CancellationToken.None);
        Assert.Equal(unnamed, resolved.FilePath);
        Assert.Empty(await fx.Get<ScanService>().UnmatchedAsync(lib.Id, 10, CancellationToken.None));
        Assert.Equal(4, (await EntriesAsync(lib.Id)).Count);
        Assert.Equal(new ScanSummary(5, 4, 0, 0, 0, 0, 0, 1), await ScanAsync(lib));

        // The broken file replaced by a real video (new size and time): looked at again, and no longer failed.
        File.Copy(await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "scan-fixed"), broken, overwrite: true);
        File.SetLastWriteTimeUtc(broken, DateTime.UtcNow.AddMinutes(-1));
        var fixedScan = await ScanAsync(lib);
        Assert.Equal((0, 1), (fixedScan.Failed, fixedScan.Unmatched));
        Assert.Null((await BrokenRowAsync(broken)).Error);
    }

    [Fact]
    public async Task VanishedFile_MarksItsEntryMissing_NotDeleted_AndAMovedFileKeepsItsEntry()
    {
        var (lib, root) = await fx.LibraryAsync("Scan Missing");
        var film = await PutAsync(root, "Gone.Film.1999.mp4", TestMedia.VideoAsync(), "scan-gone");
        var show = await PutAsync(root, "Moved.Show.S03E04.mp4", TestMedia.VideoAsync(), "scan-moved");
        await ScanAsync(lib);
        var before = await EntriesAsync(lib.Id);

        File.Delete(film);
        var moved = Path.Combine(root, "Moved Show", "Season 3", "Moved.Show.S03E04.mkv.mp4");
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        File.Move(show, moved);
        var summary = await ScanAsync(lib);

        Assert.Equal((1, 1, 0), (summary.Missing, summary.Updated, summary.Added));
        var after = await EntriesAsync(lib.Id);
        Assert.Equal(before.Select(e => e.Id), after.Select(e => e.Id));
        Assert.NotNull(after.Single(e => e.Title == "Gone Film (1999)").MissingSince);
        var showEntry = after.Single(e => e.Title == "Moved Show S03E04");
        Assert.Equal(moved, showEntry.FilePath);
        Assert.Null(showEntry.MissingSince);

        // It comes back: found again by its path.
        File.Copy(await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "scan-gone"), film);
        await ScanAsync(lib);
        Assert.Null((await EntriesAsync(lib.Id)).Single(e => e.Title == "Gone Film (1999)").MissingSince);
    }

    [Fact]
    public async Task MissingFile_BackAtItsPath_ClearsTheMarkOnTheSameEntry()
    {
        // A disk unmounted and mounted again: the vanished file left the scanned list, so it is probed again, found by
        // its path, and its entry (the same one) loses the missing mark.
        var (lib, root) = await fx.LibraryAsync("Scan Back");
        var film = await PutAsync(root, "Back.Film.1988.mp4", TestMedia.VideoAsync(), "scan-back");
        await ScanAsync(lib);
        var aside = Path.Combine(Path.GetDirectoryName(root)!, "scan-back-aside.mp4");
        File.Move(film, aside, overwrite: true);
        Assert.Equal(1, (await ScanAsync(lib)).Missing);
        var missing = Assert.Single(await EntriesAsync(lib.Id));
        Assert.NotNull(missing.MissingSince);

        File.Move(aside, film);
        var summary = await ScanAsync(lib);

        Assert.Equal(new ScanSummary(1, 0, 0, 1, 0, 0, 0, 0), summary);
        var back = Assert.Single(await EntriesAsync(lib.Id));
        Assert.Equal((missing.Id, missing.ContentHash, film), (back.Id, back.ContentHash, back.FilePath));
        Assert.Null(back.MissingSince);
        Assert.Equal(new ScanSummary(1, 1, 0, 0, 0, 0, 0, 0), await ScanAsync(lib));
    }

    [Fact]
    public async Task TwoScansOfOneLibraryAtOnce_BothEnd_AndTheNewFileBecomesOneEntry()
    {
        // The watcher's scan and one someone asked for can meet: they take turns instead of adding the file twice.
        var (lib, root) = await fx.LibraryAsync("Scan Twice");
        await PutAsync(root, "Twice.Film.1990.mp4", TestMedia.VideoAsync(), "scan-twice");

        var both = await Task.WhenAll(ScanAsync(lib), ScanAsync(lib));

        Assert.All(both, s => Assert.Equal(0, s.Failed));
        Assert.True(both.Sum(s => s.Added) <= 1, string.Join("; ", both.Select(s => s.Text)));
        Assert.Single(await EntriesAsync(lib.Id));
    }

    [Fact]
    public async Task FileHubImportedItself_IsRememberedFromItsEntry_NotProbedAgain_UntilItChanges()
    {
        var (lib, root) = await fx.LibraryAsync("Scan Imported");
        fx.Site.MapFile("scan-imported.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "scan-imported"), "video/mp4");
        var done = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url("scan-imported.mp4").AbsoluteUri, lib.Slug)).Id);
        Assert.True(done.State == JobStates.Completed, done.Error);
        var entry = Assert.Single(await EntriesAsync(lib.Id));
        Assert.StartsWith(root, entry.FilePath);

        var first = await ScanAsync(lib);
        Assert.Equal((1, 1, 0, 0), (first.Files, first.Unchanged, first.Updated, first.Added)); // not "1 updated": nothing changed
        await using (var db = fx.CreateDb())
        {
            var row = await db.ScanFiles.AsNoTracking().SingleAsync(f => f.Path == entry.FilePath);
            Assert.Equal((ScanFile.StateEntry, entry.Id, entry.ContentHash), (row.State, row.EntryId, row.ContentHash));
        }
        Assert.Equal(entry.UpdatedAt, Assert.Single(await EntriesAsync(lib.Id)).UpdatedAt);

        // Touched afterwards (same size, newer time): looked at again, as any changed file.
        File.SetLastWriteTimeUtc(entry.FilePath, DateTime.UtcNow.AddMinutes(-1));
        Assert.Equal(1, (await ScanAsync(lib)).Updated);
    }

    [Fact]
    public async Task ChangedFiles_KnownByPath_UpdateTheirEntryInPlace_AndAnIgnoredOneStaysIgnored()
    {
        var (lib, root) = await fx.LibraryAsync("Scan Changed");
        var film = await PutAsync(root, "Changed.Film.1977.mp4", TestMedia.VideoAsync(), "scan-changed-1");
        var loose = await PutAsync(root, "Loose/clip_0099.mp4", TestMedia.VideoAsync(), "scan-loose-1");
        await ScanAsync(lib);
        var before = Assert.Single(await EntriesAsync(lib.Id));
        var unmatched = Assert.Single(await fx.Get<ScanService>().UnmatchedAsync(lib.Id, 10, CancellationToken.None));
        await fx.Get<ScanService>().IgnoreAsync(unmatched.Id, CancellationToken.None);

        // Other content under the same names, written later.
        await PutAsync(root, "Changed.Film.1977.mp4", TestMedia.VideoAsync(), "scan-changed-2");
        await PutAsync(root, "Loose/clip_0099.mp4", TestMedia.VideoAsync(), "scan-loose-2");
        File.SetLastWriteTimeUtc(film, DateTime.UtcNow.AddMinutes(-1));
        File.SetLastWriteTimeUtc(loose, DateTime.UtcNow.AddMinutes(-1));
        var summary = await ScanAsync(lib);

        Assert.Equal((2, 0, 0, 1, 1), (summary.Files, summary.Unchanged, summary.Added, summary.Updated, summary.Unmatched));
        var after = Assert.Single(await EntriesAsync(lib.Id));
        Assert.Equal(before.Id, after.Id);
        Assert.Equal(film, after.FilePath);
        Assert.NotEqual(before.ContentHash, after.ContentHash);
        Assert.Equal(await FinishedDownload.HashAsync(film, CancellationToken.None), after.ContentHash);
        Assert.Empty(await fx.Get<ScanService>().UnmatchedAsync(lib.Id, 10, CancellationToken.None));
        await using var db = fx.CreateDb();
        var files = await db.ScanFiles.AsNoTracking().Where(f => f.LibraryId == lib.Id).OrderBy(f => f.Path).ToListAsync();
        Assert.Equal([(after.Id, ScanFile.StateEntry), ((Guid?)null, ScanFile.StateIgnored)], files.Select(f => (f.EntryId, f.State)).ToArray());
        Assert.Equal(new FileInfo(loose).Length, files.Single(f => f.Path == loose).SizeBytes);
        Assert.Equal(new ScanSummary(2, 2, 0, 0, 0, 0, 0, 0), await ScanAsync(lib));
    }

    [Fact]
    public async Task Watcher_TakesANewFile_OnlyOnceItStopsGrowing()
    {
        var (lib, root) = await fx.LibraryAsync("Scan Watched");
        // The watcher looks for new libraries every few seconds.
        for (var i = 0; i < 150 && !fx.Get<LibraryWatcher>().Watches(root); i++) await Task.Delay(100);
        Assert.True(fx.Get<LibraryWatcher>().Watches(root));
        var source = File.ReadAllBytes(await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "scan-watch"));
        var path = Path.Combine(root, "Watched.Film.2020.mp4");
        await using (var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
        {
            // Written slowly, in pieces closer together than the debounce: no scan may take it half-written.
            for (var i = 0; i < 4; i++)
            {
                var n = source.Length / 4 + (i == 3 ? source.Length % 4 : 0);
                await f.WriteAsync(source.AsMemory(i * (source.Length / 4), n));
                await f.FlushAsync();
                await Task.Delay(700);
                await using var db = fx.CreateDb();
                Assert.False(await db.Jobs.AnyAsync(j => j.Kind == ScanService.Kind && j.LibraryId == lib.Id), "a scan started while the file was growing");
            }
        }

        Entry? entry = null;
        var until = DateTime.UtcNow.AddSeconds(60);
        while (entry is null && DateTime.UtcNow < until)
        {
            await Task.Delay(200);
            entry = (await EntriesAsync(lib.Id)).SingleOrDefault();
        }
        Assert.NotNull(entry);
        Assert.Equal("Watched Film (2020)", entry.Title);
        Assert.Equal(source.Length, entry.SizeBytes);
        await using var db2 = fx.CreateDb();
        var job = await db2.Jobs.AsNoTracking().SingleAsync(j => j.Kind == ScanService.Kind && j.LibraryId == lib.Id);
        Assert.Equal("watcher", job.RequestedBy);
    }

    [Fact]
    public async Task Schedule_EnqueuesOneScanPerLibraryPerSlot_WhateverTheProcesses_AndNoneWhenOff()
    {
        var (lib, root) = await fx.LibraryAsync("Scheduled Scan");
        await PutAsync(root, "Scheduled.Film.2011.mp4", TestMedia.VideoAsync(), "scan-scheduled");
        // Nothing was ever filed here, so its folder does not exist: left out, not a failed scan every few hours.
        var empty = await fx.Get<Hub.Domain.Libraries.LibraryService>().CreateAsync(
            new Hub.Domain.Libraries.LibraryInput("Never Written", MediaKind: "any"), CancellationToken.None);
        var hub = fx.Get<Microsoft.Extensions.Options.IOptions<HubOptions>>();
        Assert.False(Directory.Exists(Hub.Domain.Libraries.FilePlacer.ResolveRoot(empty, hub.Value)));
        ScheduledLibraryScan Every(int hours) => new(Microsoft.Extensions.Options.Options.Create(new ScannerOptions { ScheduleHours = hours }), hub,
            fx.Get<Hub.Domain.Libraries.LibraryService>(), fx.Get<JobQueue>(), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ScheduledLibraryScan>.Instance);

        await Every(0).Invoke(); // off: nothing
        await using (var db = fx.CreateDb())
        {
            Assert.False(await db.Jobs.AnyAsync(j => j.Kind == ScanService.Kind && j.LibraryId == lib.Id && j.RequestedBy == "scheduler"));
        }

        // Coravel fires in every process at the top of the hour: two firings, one job per library for the slot.
        await Task.WhenAll(Every(6).Invoke(), Every(6).Invoke());

        await using var check = fx.CreateDb();
        var scans = await check.Jobs.AsNoTracking().Where(j => j.Kind == ScanService.Kind && j.RequestedBy == "scheduler").ToListAsync();
        var withFolders = (await fx.Get<Hub.Domain.Libraries.LibraryService>().ListAsync(CancellationToken.None))
            .Where(l => Directory.Exists(Hub.Domain.Libraries.FilePlacer.ResolveRoot(l, hub.Value))).Select(l => l.Id).Order().ToList();
        Assert.Equal(withFolders, scans.Select(j => j.LibraryId!.Value).Order()); // one each, however many processes fired
        Assert.Contains(lib.Id, withFolders);
        Assert.DoesNotContain(scans, j => j.LibraryId == empty.Id);
        foreach (var scan in scans)
        {
            var done = await fx.WaitAsync(scan.Id);
            Assert.True(done.State == JobStates.Completed, done.Error);
        }
        // The file is an entry where it lies (this scan or the watcher's filed it; either way once).
        Assert.Equal(["Scheduled Film (2011)"], (await EntriesAsync(lib.Id)).Select(e => e.Title));
    }

    [Fact]
    public async Task ScanJob_FromTheService_CompletesWithItsSummary()
    {
        var (lib, root) = await fx.LibraryAsync("Scan Job");
        await PutAsync(root, "Job.Film.2010.mp4", TestMedia.VideoAsync(), "scan-job");
        var job = await fx.Get<ScanService>().StartAsync(lib.Slug, "api", "test", CancellationToken.None);
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!JobStates.IsTerminal(job.State) && DateTime.UtcNow < until)
        {
            await Task.Delay(200);
            job = await fx.Get<JobQueue>().GetAsync(job.Id, CancellationToken.None);
        }
        Assert.True(job.State == JobStates.Completed, job.Error);
        Assert.Equal(1, job.Result!.RootElement.GetProperty("added").GetInt32());
    }
}
