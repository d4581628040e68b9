using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Domain.Access;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Hub.Domain.Entries;

/// <summary>
/// The library's entries for every door: list with filters, search, sort and keyset pages; read, edit, delete.
/// Returns detached entities. <see cref="QueryAsync"/> does not load <see cref="Entry.Media"/> (the raw ffprobe JSON).
/// </summary>
public sealed class EntryService
{
    private readonly NpgsqlDataSource dataSource;
    private readonly IDbContextFactory<HubDbContext> dbFactory;
    private readonly TimeProvider time;
    private readonly ILogger<EntryService> logger;

    public EntryService(NpgsqlDataSource dataSource, IDbContextFactory<HubDbContext> dbFactory, CacheInvalidation caches, TimeProvider time, ILogger<EntryService> logger)
    {
        this.dataSource = dataSource;
        this.dbFactory = dbFactory;
        this.time = time;
        this.logger = logger;
        caches.Invalidated += (kind, id) =>
        {
            if (kind is null) _serving.Clear();
            else if (kind == CacheInvalidation.Entry) _serving.TryRemove(id, out _);
        };
    }

    public static readonly IReadOnlyList<string> MediaKinds = ["video", "audio", "other"];

    public async Task<EntryPage> QueryAsync(EntryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        Validate(query);
        var hasQ = !string.IsNullOrWhiteSpace(query.Q);
        var (key, desc) = EntrySort.Parse(query.Sort, hasQ);
        var sortName = key == EntrySort.Relevance ? key : (desc ? "-" : "") + key;
        var cursor = string.IsNullOrEmpty(query.Cursor) ? null : EntryCursor.Decode(query.Cursor, sortName);
        var limit = query.Limit ?? EntryQuery.DefaultLimit;

        await using var cmd = EntrySearchSql.Build(query, key, desc, cursor, limit);
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        cmd.Connection = conn;
        var items = new List<Entry>(Math.Min(limit + 1, 256));
        object? lastKey = null;
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (items.Count == limit)
                {
                    // One row more than asked: there is a next page, starting after the last row returned.
                    var last = items[^1];
                    return new EntryPage(items, new EntryCursor(sortName, EntryCursor.FormatKey(lastKey!), last.Id).Encode());
                }
                items.Add(Read(reader));
                lastKey = reader.GetValue(EntrySearchSql.ColumnCount);
            }
        }
        return new EntryPage(items, null);
    }

    private static void Validate(EntryQuery q)
    {
        TextInput.Check(q.Q, "q");
        TextInput.Check(q.Platform, "platform", 200);
        TextInput.Check(q.Tags, "tag", 200);
        TextInput.Check(q.MediaKind, "mediaKind", 200);
        TextInput.Check(q.Sort, "sort", 200);
        TextInput.Check(q.Cursor, "cursor", 1000);
        if (q.Limit is < 1 or > EntryQuery.MaxLimit)
            throw new HubValidationException("limit", $"limit must be between 1 and {EntryQuery.MaxLimit}.");
        if (q.MediaKind is { } k && !MediaKinds.Contains(k))
            throw new HubValidationException("mediaKind", $"mediaKind must be one of {string.Join(", ", MediaKinds)}.");
        if (q.MinDuration is < 0 || q.MaxDuration is < 0)
            throw new HubValidationException(q.MinDuration is < 0 ? "minDuration" : "maxDuration", "Durations are seconds, zero or more.");
        if (q.MinDuration > q.MaxDuration)
            throw new HubValidationException("minDuration", "minDuration is greater than maxDuration.");
        if (q.From > q.To)
            throw new HubValidationException("from", "from is after to.");
        if (q.Q is { Length: > 500 })
            throw new HubValidationException("q", "The search text is longer than 500 characters.");
        if (q.Tags is { } tags && tags.Any(string.IsNullOrWhiteSpace))
            throw new HubValidationException("tag", "Tags must not be empty.");
    }

    /// <summary>
    /// An entry for serving its file: remembered for a few seconds, because a player that seeks sends a request per
    /// seek. A delete or update forgets it at once in every process (<see cref="CacheInvalidation"/>); the file itself is
    /// checked on every request.
    /// </summary>
    public async Task<Entry> GetForServingAsync(Guid id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_serving.TryGetValue(id, out var hit) && now - hit.At < ServingCacheFor)
        {
            return hit.Entry;
        }
        var entry = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (_serving.Count > 10_000)
        {
            _serving.Clear();
        }
        _serving[id] = (entry, now);
        return entry;
    }

    private static readonly TimeSpan ServingCacheFor = TimeSpan.FromSeconds(5);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, (Entry Entry, DateTimeOffset At)> _serving = new();

    public async Task<Entry> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await EntryById(db, id, cancellationToken).ConfigureAwait(false)
            ?? throw new HubNotFoundException("entry", $"No entry {id}.");
    }

    /// <summary>The read behind every entry lookup (API, MCP get_entry, serving), compiled once instead of looked up in EF's query cache per call.</summary>
    private static readonly Func<HubDbContext, Guid, CancellationToken, Task<Entry?>> EntryById =
        EF.CompileAsyncQuery((HubDbContext db, Guid id, CancellationToken _) => db.Entries.AsNoTracking().FirstOrDefault(e => e.Id == id));

    /// <summary>Changes title, tags or properties: the entry's owner or an admin (<see cref="EntryAccess"/>).</summary>
    public async Task<Entry> UpdateAsync(Requester requester, Guid id, EntryPatch patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        _serving.TryRemove(id, out _);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var entry = await db.Entries.FirstOrDefaultAsync(e => e.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw new HubNotFoundException("entry", $"No entry {id}.");
        EntryAccess.RequireChange(requester, entry);
        if (patch.Title is not null)
        {
            var title = TextInput.Check(patch.Title, "title", int.MaxValue)!.Trim();
            if (title.Any(char.IsControl))
            {
                // A title is one line wherever it shows (file names, M3U #EXTINF, chat messages, list rows).
                throw new HubValidationException("title", "The title must be one line: no line breaks, tabs or other control characters.");
            }
            entry.Title = title.Length is > 0 and <= 500 ? title : throw new HubValidationException("title", "The title must have 1 to 500 characters.");
        }
        if (patch.Tags is not null)
        {
            entry.Tags = NormalizeTags(patch.Tags);
        }
        if (patch.Properties is not null)
        {
            TextInput.Check(patch.Properties, "properties");
            var merged = JsonNode.Parse(entry.Properties.RootElement.GetRawText()) as JsonObject ?? [];
            MergePatch(merged, patch.Properties);
            entry.Properties = JsonDocument.Parse(merged.ToJsonString());
        }
        entry.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await CacheInvalidation.NotifyAsync(dataSource, CacheInvalidation.Entry, id, cancellationToken).ConfigureAwait(false);
        return entry;
    }

    public static List<string> NormalizeTags(IEnumerable<string> tags)
    {
        var list = new List<string>();
        foreach (var raw in tags)
        {
            var tag = (TextInput.Check(raw, "tags", int.MaxValue) ?? "").Trim();
            if (tag.Length is 0 or > 100)
                throw new HubValidationException("tags", "Each tag must have 1 to 100 characters.");
            if (!list.Contains(tag, StringComparer.Ordinal)) list.Add(tag);
        }
        return list.Count <= 100 ? list : throw new HubValidationException("tags", "At most 100 tags.");
    }

    /// <summary>RFC 7386 JSON merge patch: objects merge recursively, null removes, anything else replaces.</summary>
    public static void MergePatch(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch.ToList())
        {
            if (value is null)
            {
                target.Remove(name);
            }
            else if (value is JsonObject child && target[name] is JsonObject existing)
            {
                MergePatch(existing, child);
            }
            else
            {
                target[name] = value.DeepClone();
            }
        }
    }

    /// <summary>
    /// Deletes the entry (its owner or an admin, <see cref="EntryAccess"/>); removes its file unless <paramref name="keepFile"/>, and its thumbnail (Hub's own cache) always.
    /// A file that is already gone is not an error.
    /// </summary>
    public async Task DeleteAsync(Requester requester, Guid id, bool keepFile, CancellationToken cancellationToken)
    {
        _serving.TryRemove(id, out _);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var entry = await db.Entries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw new HubNotFoundException("entry", $"No entry {id}.");
        EntryAccess.RequireChange(requester, entry);
        await db.Entries.Where(e => e.Id == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await CacheInvalidation.NotifyAsync(dataSource, CacheInvalidation.Entry, id, cancellationToken).ConfigureAwait(false);
        if (!keepFile)
        {
            TryDelete(entry.FilePath);
            foreach (var track in EntrySubtitles.Of(entry)) TryDelete(track.PathFor(entry.FilePath));
            foreach (var sidecar in Media.MediaServerFiles.PathsFor(entry.FilePath)) TryDelete(sidecar);
        }
        if (entry.ThumbnailPath is not null) TryDelete(entry.ThumbnailPath);
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path); // no error when missing
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not remove {Path}: {Error}", path, ex.Message);
        }
    }

    internal static Entry Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetGuid(0),
        LibraryId = r.GetGuid(1),
        Title = r.GetString(2),
        SourceUrl = r.IsDBNull(3) ? null : r.GetString(3),
        NormalizedUrl = r.IsDBNull(4) ? null : r.GetString(4),
        SourceId = r.IsDBNull(5) ? null : r.GetString(5),
        Platform = r.IsDBNull(6) ? null : r.GetString(6),
        Uploader = r.IsDBNull(7) ? null : r.GetString(7),
        MediaKind = r.GetString(8),
        Container = r.IsDBNull(9) ? null : r.GetString(9),
        DurationSeconds = r.IsDBNull(10) ? null : r.GetDouble(10),
        SizeBytes = r.GetInt64(11),
        ContentHash = r.IsDBNull(12) ? null : r.GetString(12),
        FilePath = r.GetString(13),
        ThumbnailPath = r.IsDBNull(14) ? null : r.GetString(14),
        Properties = JsonDocument.Parse(r.GetString(15)),
        Tags = [.. r.GetFieldValue<string[]>(16)],
        CreatedAt = r.GetFieldValue<DateTimeOffset>(17),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(18),
        RequestedBy = r.IsDBNull(19) ? null : r.GetString(19),
    };
}
