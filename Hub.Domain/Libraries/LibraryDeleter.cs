using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Hub.Domain.Libraries;

/// <summary>
/// Deleting a library and what happens to its entries. Moving goes entry by entry (file first, then its row), so
/// an interrupted move leaves every row pointing at a real file and can simply be run again. Removing deletes the
/// rows first and the files after the commit, so the database never points at a missing file.
/// Only files inside the library's own root are moved or deleted; entries pointing elsewhere keep their files.
/// </summary>
internal sealed class LibraryDeleter(IDbContextFactory<HubDbContext> dbFactory, HubOptions options, TimeProvider time)
{
    public async Task<LibraryDeleteResult> DeleteAsync(Guid id, LibraryDeleteMode mode, CancellationToken cancellationToken)
    {
        Library library;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            library = await db.Libraries.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, cancellationToken).ConfigureAwait(false)
                ?? throw new HubNotFoundException("library", $"No library {id}.");
        }
        return mode.Action switch
        {
            LibraryDeleteAction.Refuse => await DeleteEmptyAsync(library, new LibraryDeleteResult(0, 0, 0), cancellationToken).ConfigureAwait(false),
            LibraryDeleteAction.MoveEntries => await MoveThenDeleteAsync(library, mode.TargetLibraryId, cancellationToken).ConfigureAwait(false),
            LibraryDeleteAction.RemoveEntries => await RemoveThenDeleteAsync(library, cancellationToken).ConfigureAwait(false),
            _ => throw new HubValidationException("mode", $"Unknown delete mode {mode.Action}."),
        };
    }

    private async Task<LibraryDeleteResult> DeleteEmptyAsync(Library library, LibraryDeleteResult result, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var count = await db.Entries.CountAsync(e => e.LibraryId == library.Id, cancellationToken).ConfigureAwait(false);
        if (count > 0)
        {
            throw NotEmpty(library, count);
        }
        try
        {
            await db.Libraries.Where(l => l.Id == library.Id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when ((e as PostgresException ?? e.InnerException as PostgresException)?.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // An entry arrived between the count and the delete.
            throw NotEmpty(library, await db.Entries.CountAsync(x => x.LibraryId == library.Id, cancellationToken).ConfigureAwait(false));
        }
        return result;
    }

    private async Task<LibraryDeleteResult> MoveThenDeleteAsync(Library library, Guid? targetId, CancellationToken cancellationToken)
    {
        if (targetId is not { } tid)
        {
            throw new HubValidationException("targetLibraryId", "Say which library the entries move to.");
        }
        if (tid == library.Id)
        {
            throw new HubValidationException("targetLibraryId", "Entries cannot move into the library being deleted.");
        }
        Library target;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            target = await db.Libraries.AsNoTracking().FirstOrDefaultAsync(l => l.Id == tid, cancellationToken).ConfigureAwait(false)
                ?? throw new HubNotFoundException("library", $"No library {tid} to move the entries to.");
        }
        var sourceRoot = FilePlacer.ResolveRoot(library, options);
        var targetRoot = FilePlacer.ResolveRoot(target, options);
        var placer = new FilePlacer();
        int moved = 0, missing = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var batch = await db.Entries.Where(e => e.LibraryId == library.Id).OrderBy(e => e.Id).Take(100)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                break;
            }
            foreach (var entry in batch)
            {
                var (newFile, fileMissing) = await MoveFileAsync(placer, entry.FilePath, sourceRoot, targetRoot, cancellationToken).ConfigureAwait(false);
                var (newThumb, _) = entry.ThumbnailPath is null
                    ? (null, false)
                    : await MoveFileAsync(placer, entry.ThumbnailPath, sourceRoot, targetRoot, cancellationToken).ConfigureAwait(false);
                entry.LibraryId = target.Id;
                entry.FilePath = newFile;
                entry.ThumbnailPath = newThumb;
                entry.UpdatedAt = time.GetUtcNow();
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                moved++;
                missing += fileMissing ? 1 : 0;
            }
        }
        PruneEmptyFolders(sourceRoot);
        return await DeleteEmptyAsync(library, new LibraryDeleteResult(moved, 0, missing), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves a file kept under the source root to the same relative place under the target root.</summary>
    private static async Task<(string Path, bool Missing)> MoveFileAsync(FilePlacer placer, string path, string sourceRoot, string targetRoot, CancellationToken ct)
    {
        var full = Path.IsPathRooted(path) ? Path.GetFullPath(path) : Path.GetFullPath(Path.Combine(sourceRoot, path));
        if (!File.Exists(full))
        {
            return (path, true);
        }
        if (sourceRoot == targetRoot || !full.StartsWith(sourceRoot + "/", StringComparison.Ordinal))
        {
            return (full, false);
        }
        var relative = Path.GetRelativePath(sourceRoot, full);
        return (await placer.PlaceAsync(full, targetRoot, relative, ct).ConfigureAwait(false), false);
    }

    private async Task<LibraryDeleteResult> RemoveThenDeleteAsync(Library library, CancellationToken cancellationToken)
    {
        var root = FilePlacer.ResolveRoot(library, options);
        List<string> files;
        int removed;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var paths = await db.Entries.Where(e => e.LibraryId == library.Id)
                .Select(e => new { e.FilePath, e.ThumbnailPath }).ToListAsync(cancellationToken).ConfigureAwait(false);
            files = paths.SelectMany(p => new[] { p.FilePath, p.ThumbnailPath }).OfType<string>().ToList();
            removed = await db.Entries.Where(e => e.LibraryId == library.Id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await db.Libraries.Where(l => l.Id == library.Id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        var missing = 0;
        foreach (var file in files)
        {
            var full = Path.IsPathRooted(file) ? Path.GetFullPath(file) : Path.GetFullPath(Path.Combine(root, file));
            if (!full.StartsWith(root + "/", StringComparison.Ordinal))
            {
                continue; // not ours to delete
            }
            if (File.Exists(full))
            {
                File.Delete(full);
            }
            else
            {
                missing++;
            }
        }
        PruneEmptyFolders(root);
        return new LibraryDeleteResult(0, removed, missing);
    }

    /// <summary>Removes folders left empty under the root (deepest first); the root itself stays.</summary>
    private static void PruneEmptyFolders(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }
        foreach (var dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).ToList())
        {
            if (!Directory.EnumerateFileSystemEntries(dir).Any())
            {
                Directory.Delete(dir);
            }
        }
    }

    private static HubConflictException NotEmpty(Library library, int count) =>
        new("library-not-empty", $"Library '{library.Name}' still has {count} {(count == 1 ? "entry" : "entries")}; move or remove them first.");
}
