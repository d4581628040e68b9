using System.Text.Json;
using Hub.Domain.Entries;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Domain.Media;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Scanning;

/// <summary>One unmatched file, for every door.</summary>
public sealed record UnmatchedFile(Guid Id, Guid LibraryId, string Path, long SizeBytes, string? MediaKind, ParsedName? Parsed, DateTimeOffset FoundAt);

/// <summary>
/// The scanner's one API for every door: start a scan of a library (a job in the scan queue), read the unmatched queue,
/// resolve an item (a title and a library: it becomes an entry where it lies) or ignore it (later scans leave it be).
/// </summary>
public sealed class ScanService(JobQueue queue, LibraryService libraries, IDbContextFactory<HubDbContext> dbFactory, TimeProvider time)
{
    public const string Kind = "scan";
    public const string Queue = "scan";

    /// <summary>Queues a scan of the library, or returns the one already waiting (a running one may have walked past a new file).</summary>
    public async Task<Job> StartAsync(string library, string door, string? requestedBy, CancellationToken cancellationToken)
    {
        var lib = await libraries.FindAsync(library, cancellationToken).ConfigureAwait(false)
            ?? throw new HubNotFoundException("library", $"There is no library '{library}'.");
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            var active = await db.Jobs.AsNoTracking()
                .Where(j => j.Kind == Kind && j.LibraryId == lib.Id && (j.State == JobStates.Queued || j.State == JobStates.Retrying))
                .OrderBy(j => j.CreatedAt).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (active is not null)
            {
                return active;
            }
        }
        return await queue.EnqueueAsync(Spec(lib, door, requestedBy), cancellationToken).ConfigureAwait(false);
    }

    public static NewJob Spec(Library lib, string door, string? requestedBy) => new(Kind, Queue, door)
    {
        LibraryId = lib.Id,
        Title = $"Scan of {lib.Name}",
        RequestedBy = requestedBy,
        Request = new { libraryId = lib.Id },
        MaxAttempts = 2,
    };

    public async Task<IReadOnlyList<UnmatchedFile>> UnmatchedAsync(Guid? libraryId, int limit, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var q = db.ScanFiles.AsNoTracking().Where(f => f.State == ScanFile.StateUnmatched);
        if (libraryId is { } id) q = q.Where(f => f.LibraryId == id);
        var rows = await q.OrderBy(f => f.CreatedAt).Take(Math.Clamp(limit, 1, 500)).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(ToDto).ToList();
    }

    /// <summary>One item still waiting in the unmatched queue, or null (resolved, ignored, or never there).</summary>
    public async Task<UnmatchedFile?> FindUnmatchedAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.ScanFiles.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id && f.State == ScanFile.StateUnmatched, cancellationToken)
            .ConfigureAwait(false);
        return row is null ? null : ToDto(row);
    }

    /// <summary>Files the unmatched item as an entry titled <paramref name="title"/> in <paramref name="library"/> (default: where it was found).</summary>
    public async Task<Entry> ResolveAsync(Guid id, string title, string? library, CancellationToken cancellationToken)
    {
        TextInput.Check(title, "title", 500);
        if (string.IsNullOrWhiteSpace(title)) throw new HubValidationException("title", "Give the file a title.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var file = await PendingAsync(db, id, cancellationToken).ConfigureAwait(false);
        var libraryId = file.LibraryId;
        if (!string.IsNullOrWhiteSpace(library))
        {
            libraryId = (await libraries.FindAsync(library, cancellationToken).ConfigureAwait(false)
                ?? throw new HubValidationException("library", $"There is no library '{library}'.")).Id;
        }
        if (!File.Exists(file.Path)) throw new HubValidationException("id", "The file is no longer there.");
        var media = FfprobeParser.Parse(file.Media.RootElement.GetRawText());
        var entry = LibraryScanner.NewEntry(libraryId, title.Trim(), file.Path, file.SizeBytes, file.ContentHash, media, null, time.GetUtcNow());
        db.Entries.Add(entry);
        file.State = ScanFile.StateEntry;
        file.EntryId = entry.Id;
        file.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return entry;
    }

    public async Task IgnoreAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var file = await PendingAsync(db, id, cancellationToken).ConfigureAwait(false);
        file.State = ScanFile.StateIgnored;
        file.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ScanFile> PendingAsync(HubDbContext db, Guid id, CancellationToken cancellationToken) =>
        await db.ScanFiles.FirstOrDefaultAsync(f => f.Id == id && f.State == ScanFile.StateUnmatched, cancellationToken).ConfigureAwait(false)
        ?? throw new HubNotFoundException("unmatched", "There is no such unmatched file (resolved or ignored already?).");

    private static UnmatchedFile ToDto(ScanFile f) => new(f.Id, f.LibraryId, f.Path, f.SizeBytes, f.MediaKind,
        f.Parsed.Deserialize<ParsedName>(JobJson.Options), f.CreatedAt);
}
