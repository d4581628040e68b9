using System.Diagnostics;
using System.Text.Json;
using Hub.Domain.Entries;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Domain.Media;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Scanning;

/// <param name="Unchanged">Files whose size and time matched the last scan (not probed, not hashed).</param>
public sealed record ScanSummary(int Files, int Unchanged, int Added, int Updated, int Unmatched, int Missing, int Skipped, int Failed)
{
    /// <summary>One line for people (the job's message, the bot's result).</summary>
    public string Text => $"{Files} files: {Added} added, {Updated} updated, {Unmatched} unmatched, {Missing} missing, {Unchanged} unchanged"
        + (Skipped > 0 ? $", {Skipped} still being written (taken next time)" : "")
        + (Failed > 0 ? $", {Failed} not playable (named in Hub's log)" : "");
}

/// <summary>
/// Finds the media already in a library's folder: each new or changed file is probed (ffprobe) and hashed; a file already
/// known (by path, or by content when its entry's file went away) updates its entry; a new one with a confident name
/// becomes an entry where it lies (never moved); the rest wait in the unmatched queue. An entry whose file is gone is
/// marked missing, not deleted. Unchanged files (same size and time as last time) cost one stat, so a rescan is cheap
/// and changes nothing.
/// </summary>
public sealed class LibraryScanner(FfprobeClient ffprobe, IDbContextFactory<HubDbContext> dbFactory, IOptions<HubOptions> hubOptions,
    IOptions<ScannerOptions> options, TimeProvider time, ILogger<LibraryScanner> logger)
{
    public async Task<ScanSummary> ScanAsync(Library library, IProgress<int>? progress, CancellationToken cancellationToken, ScanTimings? timings = null)
    {
        // One scan of a library at a time, across processes: two at once (the watcher's and one someone asked for) would
        // both add the same new file. A session advisory lock on a connection held for the scan; closing it releases it.
        await using var lockDb = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await lockDb.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var key = "hub-scan:" + library.Id.ToString("N");
        await lockDb.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock(hashtextextended({0}, 0))", [key], cancellationToken).ConfigureAwait(false);
        try
        {
            return await ScanLockedAsync(library, progress, timings ?? new ScanTimings(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                await lockDb.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock(hashtextextended({0}, 0))", [key], CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException)
            {
                logger.LogDebug("Releasing the scan lock of {Library}: {Error} (the closed connection releases it)", library.Name, ex.Message);
            }
        }
    }

    private async Task<ScanSummary> ScanLockedAsync(Library library, IProgress<int>? progress, ScanTimings timings, CancellationToken cancellationToken)
    {
        var root = FilePlacer.ResolveRoot(library, hubOptions.Value);
        if (!Directory.Exists(root))
        {
            // Never "everything went missing" because a disk is not mounted.
            throw ImportFailedException.Permanent("scan-root-missing", $"The folder of library {library.Name} ({root}) does not exist: put media files there (create it) and scan again, or, if it is on a disk of its own, mount it.");
        }
        // What the walk compares against, without the JSON columns and untracked: an unchanged rescan of 10,000 files
        // must not read (and keep) 20,000 ffprobe answers to find that nothing changed.
        Dictionary<string, KnownFile> known;
        Dictionary<string, KnownEntry> entries;
        var prefix = root + "/";
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            known = await db.ScanFiles.AsNoTracking().Where(f => f.LibraryId == library.Id)
                .Select(f => new KnownFile(f.Id, f.Path, f.SizeBytes, f.ModifiedAt, f.State))
                .ToDictionaryAsync(f => f.Path, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
            entries = await db.Entries.AsNoTracking().Where(e => e.LibraryId == library.Id && e.FilePath.StartsWith(prefix))
                .Select(e => new KnownEntry(e.Id, e.FilePath, e.MissingSince, e.SizeBytes, e.UpdatedAt, e.ContentHash, e.MediaKind))
                .ToDictionaryAsync(e => e.FilePath, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var foundAgain = new List<Guid>();
        int files = 0, unchanged = 0, added = 0, updated = 0, unmatched = 0, skipped = 0, failed = 0;
        var now = time.GetUtcNow();
        var walk = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        var batch = new List<Candidate>(BatchSize);
        var adopted = new List<ScanFile>();
        var loopStarted = Stopwatch.GetTimestamp();
        long inBatches = 0;
        foreach (var path in Directory.EnumerateFiles(root, "*", walk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!LocalFileSet.IsMedia(path) || Path.GetFileName(path).StartsWith('.'))
            {
                continue;
            }
            seen.Add(path);
            files++;
            var info = new FileInfo(path);
            var modified = Truncate(info.LastWriteTimeUtc);
            if (now - modified < options.Value.MinFileAge)
            {
                skipped++; // still being written, perhaps: the next scan (or the watcher) takes it
                continue;
            }
            var file = known.GetValueOrDefault(path);
            if (file is not null && file.SizeBytes == info.Length && file.ModifiedAt == modified)
            {
                if (file.State == ScanFile.StateFailed)
                {
                    failed++; // still not media: said again in the summary, not probed (nor logged) again
                    continue;
                }
                unchanged++;
                if (entries.GetValueOrDefault(path) is { MissingSince: not null } back)
                {
                    foundAgain.Add(back.Id);
                }
                continue;
            }
            if (file is null && entries.GetValueOrDefault(path) is { MissingSince: null, ContentHash: not null } placed
                && placed.SizeBytes == info.Length && modified <= placed.UpdatedAt)
            {
                // A file Hub filed itself (an import), untouched since: its entry already holds what a probe and a hash
                // would find, so it is only remembered (with the watcher on, every import would be probed and hashed again).
                adopted.Add(new ScanFile
                {
                    Id = Guid.CreateVersion7(), LibraryId = library.Id, Path = path, SizeBytes = info.Length, ModifiedAt = modified,
                    ContentHash = placed.ContentHash, MediaKind = placed.MediaKind, State = ScanFile.StateEntry, EntryId = placed.Id,
                    CreatedAt = now, UpdatedAt = now,
                });
                unchanged++;
                continue;
            }
            batch.Add(new Candidate(path, info, modified, file?.Id));
            if (batch.Count == BatchSize)
            {
                var b = Stopwatch.GetTimestamp();
                Count(await ScanBatchAsync(library, root, batch, entries, timings, cancellationToken).ConfigureAwait(false));
                inBatches += Stopwatch.GetTimestamp() - b;
                progress?.Report(files);
            }
        }
        timings.Add(ScanTimings.Step.Walk, loopStarted + inBatches);
        Count(await ScanBatchAsync(library, root, batch, entries, timings, cancellationToken).ConfigureAwait(false));
        progress?.Report(files);
        if (adopted.Count > 0)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            db.ScanFiles.AddRange(adopted);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        void Count(IEnumerable<Outcome> outcomes)
        {
            foreach (var outcome in outcomes)
            {
                switch (outcome)
                {
                    case Outcome.Added: added++; break;
                    case Outcome.Updated: updated++; break;
                    case Outcome.Unmatched: unmatched++; break;
                    case Outcome.Failed: failed++; break;
                }
            }
        }

        // Gone since the last scan: entries are marked missing, unmatched files simply leave the queue. Set-based, so
        // the end of a big scan is three statements, not one per row.
        var finishing = Stopwatch.GetTimestamp();
        var gone = entries.Values.Where(e => !seen.Contains(e.FilePath) && e.MissingSince is null && !File.Exists(e.FilePath)).Select(e => e.Id).ToList();
        var dropped = known.Values.Where(f => !seen.Contains(f.Path)).Select(f => f.Id).ToList();
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            if (foundAgain.Count > 0)
            {
                await db.Entries.Where(e => foundAgain.Contains(e.Id)).ExecuteUpdateAsync(u => u.SetProperty(e => e.MissingSince, (DateTimeOffset?)null), cancellationToken).ConfigureAwait(false);
            }
            if (gone.Count > 0)
            {
                await db.Entries.Where(e => gone.Contains(e.Id)).ExecuteUpdateAsync(u => u.SetProperty(e => e.MissingSince, now), cancellationToken).ConfigureAwait(false);
            }
            if (dropped.Count > 0)
            {
                await db.ScanFiles.Where(f => dropped.Contains(f.Id)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        timings.Add(ScanTimings.Step.Finish, finishing);
        var missing = gone.Count;
        logger.LogInformation("Scanned {Library}: {Files} files, {Unchanged} unchanged, {Added} added, {Updated} updated, {Unmatched} unmatched, {Missing} missing ({Timings})",
            library.Name, files, unchanged, added, updated, unmatched, missing, timings);
        return new ScanSummary(files, unchanged, added, updated, unmatched, missing, skipped, failed);
    }

    private enum Outcome { Added, Updated, Unmatched, Failed }

    private const int BatchSize = 64;

    private sealed record KnownFile(Guid Id, string Path, long SizeBytes, DateTimeOffset ModifiedAt, string State);

    private sealed record KnownEntry(Guid Id, string FilePath, DateTimeOffset? MissingSince, long SizeBytes = -1, DateTimeOffset UpdatedAt = default,
        string? ContentHash = null, string? MediaKind = null);

    private sealed record Candidate(string Path, FileInfo Info, DateTimeOffset Modified, Guid? FileId);

    private sealed record Probed(Candidate File, MediaInfo? Media, string? Hash, string? Error = null);

    /// <summary>
    /// One batch of new or changed files: ffprobe and SHA-256 run for several files at once (the slow part: a process
    /// start and a full read per file), then the database work runs on a context of its own (so the change tracker
    /// holds one batch, not the whole library), with one query each for the batch's known rows and content hashes,
    /// and one save.
    /// </summary>
    private async Task<List<Outcome>> ScanBatchAsync(Library library, string root, List<Candidate> batch,
        Dictionary<string, KnownEntry> entries, ScanTimings timings, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return [];
        }
        var probed = new Probed[batch.Count];
        await Parallel.ForAsync(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.Parallelism), CancellationToken = cancellationToken },
            async (i, ct) => probed[i] = await ProbeAsync(library, batch[i], timings, ct).ConfigureAwait(false)).ConfigureAwait(false);
        batch.Clear();
        var started = Stopwatch.GetTimestamp();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var media = probed.Where(p => p.Media is not null).ToList();
        var fileIds = probed.Where(p => p.File.FileId is not null).Select(p => p.File.FileId!.Value).ToList();
        var files = fileIds.Count == 0 ? [] : await db.ScanFiles.Where(f => fileIds.Contains(f.Id)).ToDictionaryAsync(f => f.Id, cancellationToken).ConfigureAwait(false);
        var entryIds = media.Select(p => entries.GetValueOrDefault(p.File.Path)?.Id).OfType<Guid>().ToList();
        var byId = entryIds.Count == 0 ? [] : await db.Entries.Where(e => entryIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, cancellationToken).ConfigureAwait(false);
        var hashes = media.Where(p => !entries.ContainsKey(p.File.Path)).Select(p => p.Hash!).Distinct().ToList();
        var byHash = hashes.Count == 0 ? [] : (await db.Entries.Where(e => e.ContentHash != null && hashes.Contains(e.ContentHash)).ToListAsync(cancellationToken).ConfigureAwait(false))
            .GroupBy(e => e.ContentHash!).ToDictionary(g => g.Key, g => g.ToList());
        timings.Add(ScanTimings.Step.Lookup, started);
        started = Stopwatch.GetTimestamp();
        var outcomes = probed.Select(p => p.Media is null
            ? RecordFailed(db, library, p, p.File.FileId is { } failedId ? files.GetValueOrDefault(failedId) : null)
            : Record(db, library, root, p, p.File.FileId is { } id ? files.GetValueOrDefault(id) : null, entries, byId, byHash)).ToList();
        timings.Add(ScanTimings.Step.Record, started);
        started = Stopwatch.GetTimestamp();
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        timings.Add(ScanTimings.Step.Save, started);
        return outcomes;
    }

    private async Task<Probed> ProbeAsync(Library library, Candidate file, ScanTimings timings, CancellationToken cancellationToken)
    {
        MediaInfo media;
        var started = Stopwatch.GetTimestamp();
        try
        {
            media = await ffprobe.ProbeAsync(file.Path, cancellationToken).ConfigureAwait(false);
        }
        catch (ImportFailedException ex)
        {
            logger.LogWarning("Scan of {Library}: {Path} is not playable ({Error})", library.Name, file.Path, ex.Message);
            return new Probed(file, null, null, ex.Message);
        }
        finally
        {
            timings.Add(ScanTimings.Step.Probe, started);
        }
        if (media.MediaKind == "other")
        {
            logger.LogWarning("Scan of {Library}: {Path} holds no audio or video", library.Name, file.Path);
            return new Probed(file, null, null, "no audio or video stream");
        }
        started = Stopwatch.GetTimestamp();
        var hash = await FinishedDownload.HashAsync(file.Path, cancellationToken).ConfigureAwait(false);
        timings.Add(ScanTimings.Step.Hash, started);
        return new Probed(file, media, hash);
    }

    /// <summary>
    /// Remembers a file that is not media with its size and time, so the next scans count it without probing it again.
    /// A file that was an entry's and now fails (damaged on disk) keeps its entry and is looked at again each scan.
    /// </summary>
    private Outcome RecordFailed(HubDbContext db, Library library, Probed probed, ScanFile? file)
    {
        if (file is { State: ScanFile.StateEntry })
        {
            return Outcome.Failed;
        }
        var now = time.GetUtcNow();
        if (file is null)
        {
            file = new ScanFile { Id = Guid.CreateVersion7(), LibraryId = library.Id, Path = probed.File.Path, State = ScanFile.StateFailed, CreatedAt = now };
            db.ScanFiles.Add(file);
        }
        file.State = ScanFile.StateFailed;
        file.SizeBytes = probed.File.Info.Length;
        file.ModifiedAt = probed.File.Modified;
        file.Error = probed.Error;
        file.UpdatedAt = now;
        return Outcome.Failed;
    }

    private Outcome Record(HubDbContext db, Library library, string root, Probed probed, ScanFile? file, Dictionary<string, KnownEntry> entries,
        Dictionary<Guid, Entry> byId, Dictionary<string, List<Entry>> byHashes)
    {
        var (path, info, modified, _) = probed.File;
        var media = probed.Media!;
        var hash = probed.Hash!;
        var parsed = MediaNameParser.Parse(Path.GetRelativePath(root, path));
        var now = time.GetUtcNow();
        if (file is null)
        {
            file = new ScanFile { Id = Guid.CreateVersion7(), LibraryId = library.Id, Path = path, State = ScanFile.StateUnmatched, CreatedAt = now };
            db.ScanFiles.Add(file);
        }
        file.SizeBytes = info.Length;
        file.ModifiedAt = modified;
        file.ContentHash = hash;
        file.MediaKind = media.MediaKind;
        file.Parsed = JsonSerializer.SerializeToDocument(parsed, JobJson.Options);
        file.Media = JsonDocument.Parse(media.RawJson);
        file.Error = null;
        file.UpdatedAt = now;

        // Known by path, or by content when the entry's own file is gone (the file was moved or renamed).
        var entry = entries.GetValueOrDefault(path) is { } byPath ? byId.GetValueOrDefault(byPath.Id) : null;
        if (entry is null)
        {
            var byHash = byHashes.GetValueOrDefault(hash)?.FirstOrDefault(e => e.FilePath == path || !File.Exists(e.FilePath));
            if (byHash is not null)
            {
                entry = byHash;
                entries.Remove(byHash.FilePath);
            }
        }
        if (entry is not null)
        {
            Apply(entry, path, info.Length, hash, media, now);
            entries[path] = new KnownEntry(entry.Id, path, null);
            file.State = ScanFile.StateEntry;
            file.EntryId = entry.Id;
            return Outcome.Updated;
        }
        if (file.State == ScanFile.StateIgnored)
        {
            return Outcome.Unmatched;
        }
        if (!parsed.Confident)
        {
            file.State = ScanFile.StateUnmatched;
            return Outcome.Unmatched;
        }
        var created = NewEntry(library.Id, parsed.DisplayTitle!, path, info.Length, hash, media, parsed, now);
        db.Entries.Add(created);
        entries[path] = new KnownEntry(created.Id, path, null);
        file.State = ScanFile.StateEntry;
        file.EntryId = created.Id;
        return Outcome.Added;
    }

    /// <summary>An entry for a file that stays where it is (scans never move files).</summary>
    internal static Entry NewEntry(Guid libraryId, string title, string path, long size, string? hash, MediaInfo media, ParsedName? parsed, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        LibraryId = libraryId,
        Title = title,
        MediaKind = media.MediaKind,
        Container = media.Container,
        DurationSeconds = media.DurationSeconds,
        SizeBytes = size,
        ContentHash = hash,
        FilePath = path,
        Media = JsonDocument.Parse(media.RawJson),
        Properties = JsonSerializer.SerializeToDocument(new
        {
            width = media.Width,
            height = media.Height,
            videoCodec = media.VideoCodec,
            audioCodec = media.AudioCodec,
            engine = "scan",
            parsed,
        }, JobJson.Options),
        CreatedAt = now,
        UpdatedAt = now,
        RequestedBy = "scan",
    };

    private static void Apply(Entry entry, string path, long size, string hash, MediaInfo media, DateTimeOffset now)
    {
        entry.FilePath = path;
        entry.SizeBytes = size;
        entry.ContentHash = hash;
        entry.Container = media.Container;
        entry.DurationSeconds = media.DurationSeconds ?? entry.DurationSeconds;
        entry.Media = JsonDocument.Parse(media.RawJson);
        entry.MissingSince = null;
        entry.UpdatedAt = now;
    }

    // PostgreSQL keeps microseconds; compare what it can store.
    private static DateTimeOffset Truncate(DateTime utc) => new(utc.Ticks - utc.Ticks % 10, TimeSpan.Zero);
}
