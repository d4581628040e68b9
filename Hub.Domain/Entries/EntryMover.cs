using Hub.Domain.Access;
using Hub.Domain.Libraries;
using Hub.Domain.Media;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Domain.Entries;

/// <summary>
/// Moves one entry into another library: its file (and subtitle tracks beside it) go to the place the target library's
/// path template gives, then the row follows. A file outside its library's folder (added from elsewhere) stays where it
/// is; only the entry changes library. Who may: the entry's owner or an admin (<see cref="EntryAccess"/>).
/// </summary>
public sealed class EntryMover(IDbContextFactory<HubDbContext> dbFactory, NpgsqlDataSource dataSource, LibraryService libraries,
    IOptions<HubOptions> options, TimeProvider time)
{
    public async Task<Entry> MoveAsync(Requester requester, Guid id, string library, CancellationToken cancellationToken)
    {
        var target = string.IsNullOrWhiteSpace(library)
            ? throw new HubValidationException("library", "Say which library the entry moves to (its id or slug).")
            : await libraries.FindAsync(library, cancellationToken).ConfigureAwait(false)
              ?? throw new HubValidationException("library", $"There is no library '{library}'.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var entry = await db.Entries.FirstOrDefaultAsync(e => e.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw new HubNotFoundException("entry", $"No entry {id}.");
        EntryAccess.RequireChange(requester, entry);
        if (entry.LibraryId == target.Id)
        {
            return entry;
        }
        var source = await db.Libraries.AsNoTracking().FirstAsync(l => l.Id == entry.LibraryId, cancellationToken).ConfigureAwait(false);
        var oldPath = Path.GetFullPath(entry.FilePath);
        var sourceRoot = FilePlacer.ResolveRoot(source, options.Value);
        var moveFile = File.Exists(oldPath) && oldPath.StartsWith(sourceRoot + "/", StringComparison.Ordinal);
        var newPath = oldPath;
        if (moveFile)
        {
            var relative = PathTemplate.Render(target.PathTemplate, new PathTokens
            {
                Platform = entry.Platform,
                Uploader = entry.Uploader,
                Title = entry.Title,
                Id = entry.SourceId ?? PathTemplate.ShortId(entry.Id),
                Year = entry.CreatedAt.Year,
                Month = entry.CreatedAt.Month,
                Ext = Path.GetExtension(oldPath).TrimStart('.'),
                Library = target.Name,
                MediaKind = entry.MediaKind,
            }, time.GetUtcNow());
            newPath = await new FilePlacer().PlaceAsync(oldPath, FilePlacer.ResolveRoot(target, options.Value), relative, cancellationToken).ConfigureAwait(false);
            foreach (var track in EntrySubtitles.Of(entry))
            {
                MoveIfThere(track.PathFor(oldPath), track.PathFor(newPath));
            }
            foreach (var (from, to) in Media.MediaServerFiles.PathsFor(oldPath).Zip(Media.MediaServerFiles.PathsFor(newPath)))
            {
                MoveIfThere(from, to);
            }
        }
        entry.LibraryId = target.Id;
        entry.FilePath = newPath;
        entry.UpdatedAt = time.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false); // the file has moved: the row must follow
        }
        catch when (moveFile)
        {
            MoveIfThere(newPath, oldPath);
            foreach (var track in EntrySubtitles.Of(entry)) MoveIfThere(track.PathFor(newPath), track.PathFor(oldPath));
            foreach (var (from, to) in Media.MediaServerFiles.PathsFor(newPath).Zip(Media.MediaServerFiles.PathsFor(oldPath))) MoveIfThere(from, to);
            throw;
        }
        await CacheInvalidation.NotifyAsync(dataSource, CacheInvalidation.Entry, id, cancellationToken).ConfigureAwait(false);
        return entry;
    }

    private static void MoveIfThere(string from, string to)
    {
        if (File.Exists(from) && !File.Exists(to))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Move(from, to);
        }
    }
}
