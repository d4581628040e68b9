using Hub.Domain.Entries;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hub.Bot.Commands;

/// <summary>One search hit as the chat lists it.</summary>
public sealed record EntryHit(Guid Id, string Title, string MediaKind, double? DurationSeconds, long SizeBytes, string? LibraryName);

/// <summary>
/// Library search for the chat: every word must appear in the title, uploader or platform (case-insensitive; the
/// trigram index on title serves it), newest first; no words lists the most recent entries.
/// </summary>
public sealed class EntryLookup(IDbContextFactory<HubDbContext> dbFactory)
{
    public async Task<IReadOnlyList<EntryHit>> SearchAsync(string? query, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var q = db.Entries.AsNoTracking();
        foreach (var word in (query ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(8))
        {
            var pattern = "%" + word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";
            q = q.Where(e => EF.Functions.ILike(e.Title, pattern) || EF.Functions.ILike(e.Uploader ?? "", pattern) || EF.Functions.ILike(e.Platform ?? "", pattern));
        }
        return await q.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id).Skip(skip).Take(take)
            .Select(e => new EntryHit(e.Id, e.Title, e.MediaKind, e.DurationSeconds, e.SizeBytes,
                db.Libraries.Where(l => l.Id == e.LibraryId).Select(l => l.Name).FirstOrDefault()))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<(Entry Entry, string? LibraryName)?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var entry = await db.Entries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return null;
        }
        var library = await db.Libraries.AsNoTracking().Where(l => l.Id == entry.LibraryId).Select(l => l.Name).FirstOrDefaultAsync(cancellationToken)
            .ConfigureAwait(false);
        return (entry, library);
    }
}
