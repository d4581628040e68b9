using Hub.Domain;
using Hub.Domain.Entries;
using Hub.Domain.Libraries;

namespace Hub.Bot.Commands;

/// <summary>
/// Library search for the chat, over <see cref="EntryService"/> (full-text and partial words, by relevance; no words
/// lists the newest), with library names for display (<see cref="LibraryService.NamesAsync"/>: kept in memory, forgotten when a library changes).
/// </summary>
public sealed class EntryLookup(EntryService entries, LibraryService libraries)
{
    public async Task<EntryHits> SearchAsync(string? query, string? cursor, int limit, CancellationToken cancellationToken)
    {
        var page = await entries.QueryAsync(new EntryQuery
        {
            Q = string.IsNullOrWhiteSpace(query) ? null : query,
            Sort = string.IsNullOrWhiteSpace(query) ? EntrySort.Default : EntrySort.Relevance,
            Cursor = cursor,
            Limit = limit,
        }, cancellationToken).ConfigureAwait(false);
        var names = await libraries.NamesAsync(cancellationToken).ConfigureAwait(false);
        return new EntryHits([.. page.Items.Select(e => new EntryHit(e.Id, e.Title, e.MediaKind, e.DurationSeconds, e.SizeBytes, names.GetValueOrDefault(e.LibraryId)))],
            page.NextCursor);
    }

    public async Task<(Entry Entry, string? LibraryName)?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        try
        {
            var entry = await entries.GetAsync(id, cancellationToken).ConfigureAwait(false);
            var names = await libraries.NamesAsync(cancellationToken).ConfigureAwait(false);
            return (entry, names.GetValueOrDefault(entry.LibraryId));
        }
        catch (HubNotFoundException)
        {
            return null;
        }
    }
}
