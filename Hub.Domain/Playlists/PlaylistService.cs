using System.Globalization;
using System.Text.Json;
using Hub.Domain.Access;
using Hub.Domain.Entries;
using Hub.Domain.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Hub.Domain.Playlists;

/// <summary>
/// Static playlists (ordered items, positions kept dense 0..n-1 by every change; an entry appears at most once) and
/// dynamic ones (a stored <see cref="EntryQuery"/> evaluated through <see cref="EntryService"/> when read). Every method
/// takes the <see cref="Requester"/> and applies <see cref="PlaylistAccess"/>, so each door gets the same rules.
/// </summary>
public sealed class PlaylistService(NpgsqlDataSource dataSource, EntryService entries, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
    private const string Select = "SELECT p.id, p.name, p.description, p.kind, p.query::text, p.created_by, p.created_at, p.updated_at, " +
        "CASE WHEN p.kind = 'static' THEN (SELECT count(*)::int FROM playlist_items i WHERE i.playlist_id = p.id) END, p.private FROM playlists p";

    /// <summary>The playlists <paramref name="requester"/> may read: every public one, and their own private ones (admins: all).</summary>
    public async Task<IReadOnlyList<Playlist>> ListAsync(Requester requester, CancellationToken cancellationToken)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(Select + " ORDER BY lower(p.name), p.id", conn);
        return [.. (await ReadAllAsync(cmd, cancellationToken).ConfigureAwait(false)).Where(p => PlaylistAccess.CanRead(requester, p))];
    }

    /// <summary>One playlist; a private one of someone else's is not found.</summary>
    public async Task<Playlist> GetAsync(Requester requester, Guid id, CancellationToken cancellationToken)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var playlist = await GetAsync(conn, id, cancellationToken).ConfigureAwait(false);
        PlaylistAccess.RequireRead(requester, playlist);
        return playlist;
    }

    private static async Task<Playlist> GetAsync(NpgsqlConnection conn, Guid id, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(Select + " WHERE p.id = $1", conn);
        cmd.Parameters.AddWithValue(id);
        return (await ReadAllAsync(cmd, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
            ?? throw PlaylistAccess.NotFound(id);
    }

    /// <summary>Creates a playlist owned by <paramref name="requester"/>.</summary>
    public async Task<Playlist> CreateAsync(Requester requester, string name, string kind, EntryQuery? query, string? description,
        bool isPrivate, CancellationToken cancellationToken)
    {
        var cleanName = Name(name);
        if (kind is not (PlaylistKinds.Static or PlaylistKinds.Dynamic))
            throw new HubValidationException("kind", "kind must be static or dynamic.");
        if (kind == PlaylistKinds.Dynamic && query is null)
            throw new HubValidationException("query", "A dynamic playlist needs a query.");
        if (kind == PlaylistKinds.Static && query is not null)
            throw new HubValidationException("query", "A static playlist has items, not a query.");
        if (query is not null) await CheckQueryAsync(query, cancellationToken).ConfigureAwait(false);

        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var cmd = new NpgsqlCommand(
            "INSERT INTO playlists (id, name, description, kind, query, created_by, created_at, updated_at, private) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)", conn))
        {
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.AddWithValue(cleanName);
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)Description(description) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.AddWithValue(kind);
            cmd.Parameters.Add(new NpgsqlParameter { Value = query is null ? DBNull.Value : JsonSerializer.Serialize(query.WithoutPaging(), Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
            cmd.Parameters.AddWithValue(requester.Key);
            cmd.Parameters.AddWithValue(now);
            cmd.Parameters.AddWithValue(isPrivate);
            await ExecuteUniqueAsync(cmd, cleanName, cancellationToken).ConfigureAwait(false);
        }
        return await GetAsync(conn, id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Playlist> UpdateAsync(Requester requester, Guid id, PlaylistPatch patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var current = await GetAsync(conn, id, cancellationToken).ConfigureAwait(false);
        PlaylistAccess.RequireChange(requester, current);
        if (patch.Query is not null)
        {
            if (current.Kind != PlaylistKinds.Dynamic) throw new HubValidationException("query", "Only dynamic playlists have a query.");
            await CheckQueryAsync(patch.Query, cancellationToken).ConfigureAwait(false);
        }
        var name = patch.Name is null ? current.Name : Name(patch.Name);
        await using (var cmd = new NpgsqlCommand("UPDATE playlists SET name = $2, description = $3, query = $4, updated_at = $5, private = $6 WHERE id = $1", conn))
        {
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.AddWithValue(name);
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)(patch.Description is null ? current.Description : Description(patch.Description)) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            var query = patch.Query ?? current.Query;
            cmd.Parameters.Add(new NpgsqlParameter { Value = query is null ? DBNull.Value : JsonSerializer.Serialize(query.WithoutPaging(), Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
            cmd.Parameters.AddWithValue(time.GetUtcNow());
            cmd.Parameters.AddWithValue(patch.Private ?? current.Private);
            await ExecuteUniqueAsync(cmd, name, cancellationToken).ConfigureAwait(false);
        }
        return await GetAsync(conn, id, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(Requester requester, Guid id, CancellationToken cancellationToken)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        PlaylistAccess.RequireChange(requester, await GetAsync(conn, id, cancellationToken).ConfigureAwait(false));
        await using var cmd = new NpgsqlCommand("DELETE FROM playlists WHERE id = $1", conn);
        cmd.Parameters.AddWithValue(id);
        if (await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            throw PlaylistAccess.NotFound(id);
    }

    /// <summary>Adds an entry at <paramref name="position"/> (0-based; null or past the end appends). Returns its position.</summary>
    public Task<int> AddAsync(Requester requester, Guid id, Guid entryId, int? position, CancellationToken cancellationToken) =>
        ReorderAsync(requester, id, cancellationToken, async (conn, order) =>
        {
            if (order.Contains(entryId)) throw new HubConflictException("already-in-playlist", "The entry is already in this playlist; move it instead.");
            await using var exists = new NpgsqlCommand("SELECT 1 FROM entries WHERE id = $1", conn);
            exists.Parameters.AddWithValue(entryId);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
                throw new HubNotFoundException("entry", $"No entry {entryId}.");
            var at = Position(position, order.Count);
            order.Insert(at, entryId);
            await using var insert = new NpgsqlCommand("INSERT INTO playlist_items (playlist_id, entry_id, position, added_at) VALUES ($1, $2, $3, $4)", conn);
            insert.Parameters.AddWithValue(id);
            insert.Parameters.AddWithValue(entryId);
            insert.Parameters.AddWithValue(at);
            insert.Parameters.AddWithValue(time.GetUtcNow());
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return at;
        });

    public Task RemoveAsync(Requester requester, Guid id, Guid entryId, CancellationToken cancellationToken) =>
        ReorderAsync(requester, id, cancellationToken, async (conn, order) =>
        {
            if (!order.Remove(entryId)) throw new HubNotFoundException("playlist-item", $"Entry {entryId} is not in this playlist.");
            await using var delete = new NpgsqlCommand("DELETE FROM playlist_items WHERE playlist_id = $1 AND entry_id = $2", conn);
            delete.Parameters.AddWithValue(id);
            delete.Parameters.AddWithValue(entryId);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });

    /// <summary>Moves an item to <paramref name="position"/> (0-based, clamped to the end). Returns its new position.</summary>
    public Task<int> MoveAsync(Requester requester, Guid id, Guid entryId, int position, CancellationToken cancellationToken) =>
        ReorderAsync(requester, id, cancellationToken, (_, order) =>
        {
            if (!order.Remove(entryId)) throw new HubNotFoundException("playlist-item", $"Entry {entryId} is not in this playlist.");
            var at = Position(position, order.Count);
            order.Insert(at, entryId);
            return Task.FromResult(at);
        });

    /// <summary>
    /// Runs a change of a static playlist's order under a row lock on the playlist, then writes every position
    /// densely from the changed order (this also closes gaps left by deleted entries). Only its creator or an admin.
    /// </summary>
    private async Task<int> ReorderAsync(Requester requester, Guid id, CancellationToken cancellationToken, Func<NpgsqlConnection, List<Guid>, Task<int>> change)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCmd = new NpgsqlCommand(Select + " WHERE p.id = $1 FOR UPDATE OF p", conn, tx))
        {
            lockCmd.Parameters.AddWithValue(id);
            var playlist = (await ReadAllAsync(lockCmd, cancellationToken).ConfigureAwait(false)).FirstOrDefault() ?? throw PlaylistAccess.NotFound(id);
            PlaylistAccess.RequireChange(requester, playlist);
            if (playlist.Kind != PlaylistKinds.Static)
                throw new HubConflictException("dynamic-playlist", "A dynamic playlist's entries come from its query; change the query instead.");
        }
        var order = new List<Guid>();
        await using (var read = new NpgsqlCommand("SELECT entry_id FROM playlist_items WHERE playlist_id = $1 ORDER BY position, added_at", conn, tx))
        {
            read.Parameters.AddWithValue(id);
            await using var r = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) order.Add(r.GetGuid(0));
        }
        var result = await change(conn, order).ConfigureAwait(false);
        await using (var write = new NpgsqlCommand(
            "UPDATE playlist_items p SET position = x.ord - 1 FROM unnest($2::uuid[]) WITH ORDINALITY AS x(entry_id, ord) " +
            "WHERE p.playlist_id = $1 AND p.entry_id = x.entry_id AND p.position <> x.ord - 1", conn, tx))
        {
            write.Parameters.AddWithValue(id);
            write.Parameters.AddWithValue(order.ToArray());
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using (var touch = new NpgsqlCommand("UPDATE playlists SET updated_at = $2 WHERE id = $1", conn, tx))
        {
            touch.Parameters.AddWithValue(id);
            touch.Parameters.AddWithValue(time.GetUtcNow());
            await touch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// A page of the playlist's entries: a static one in item order (cursor = next position), a dynamic one through
    /// its stored query (cursor = the entry query's cursor).
    /// </summary>
    public async Task<PlaylistEntries> EntriesAsync(Requester requester, Guid id, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var take = limit ?? EntryQuery.DefaultLimit;
        if (take is < 1 or > EntryQuery.MaxLimit) throw new HubValidationException("limit", $"limit must be between 1 and {EntryQuery.MaxLimit}.");
        var playlist = await GetAsync(requester, id, cancellationToken).ConfigureAwait(false);
        if (playlist.Kind == PlaylistKinds.Dynamic)
        {
            var page = await entries.QueryAsync(playlist.Query! with { Cursor = cursor, Limit = take }, cancellationToken).ConfigureAwait(false);
            return new PlaylistEntries(page.Items, null, page.NextCursor);
        }
        var start = 0;
        if (!string.IsNullOrEmpty(cursor) && !(int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out start)))
            throw new HubValidationException("cursor", "The cursor is not valid for this playlist.");
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // Positions are read as row numbers, so they are dense even right after entries were deleted.
        await using var cmd = new NpgsqlCommand($"""
            SELECT {EntrySearchSql.Columns}, x.pos FROM (
                SELECT entry_id, (row_number() OVER (ORDER BY position, added_at) - 1)::int AS pos FROM playlist_items WHERE playlist_id = $1) x
            JOIN entries e ON e.id = x.entry_id WHERE x.pos >= $2 ORDER BY x.pos LIMIT $3
            """, conn);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(start);
        cmd.Parameters.AddWithValue(take + 1);
        var items = new List<Entry>();
        var positions = new List<int>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (items.Count == take) return new PlaylistEntries(items, positions, r.GetInt32(EntrySearchSql.ColumnCount).ToString(CultureInfo.InvariantCulture));
            items.Add(EntryService.Read(r));
            positions.Add(r.GetInt32(EntrySearchSql.ColumnCount));
        }
        return new PlaylistEntries(items, positions, null);
    }

    private async Task CheckQueryAsync(EntryQuery query, CancellationToken cancellationToken)
    {
        if (query.Unknown is { Count: > 0 } unknown)
        {
            var key = unknown.Keys.First();
            var hint = key.Equals("library", StringComparison.OrdinalIgnoreCase)
                ? " A library is named by its id here: libraryId, from GET /api/v1/libraries."
                : "";
            throw new HubValidationException("query", $"'{key}' is not a filter a playlist's query takes; it takes {EntryQuery.FilterNames}.{hint}");
        }
        // Runs it once with a limit of 1: the same validation as GET /entries, errors named after its fields.
        await entries.QueryAsync(query.WithoutPaging() with { Limit = 1 }, cancellationToken).ConfigureAwait(false);
    }

    private static int Position(int? position, int count) =>
        position is null ? count : position < 0 ? throw new HubValidationException("position", "position is 0 or more.") : Math.Min(position.Value, count);

    private static string Name(string? name)
    {
        var n = (TextInput.Check(name, "name", int.MaxValue) ?? "").Trim();
        return n.Length is > 0 and <= 200 ? n : throw new HubValidationException("name", "The name must have 1 to 200 characters.");
    }

    private static string? Description(string? d) =>
        TextInput.Check(d, "description", int.MaxValue) is null ? null : d!.Length <= 2000 ? d.Trim() : throw new HubValidationException("description", "The description is longer than 2000 characters.");

    private static async Task ExecuteUniqueAsync(NpgsqlCommand cmd, string name, CancellationToken cancellationToken)
    {
        try
        {
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new HubConflictException("playlist-exists", $"A playlist named '{name}' exists already.");
        }
    }

    private static async Task<List<Playlist>> ReadAllAsync(NpgsqlCommand cmd, CancellationToken cancellationToken)
    {
        var list = new List<Playlist>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new Playlist(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3),
                r.IsDBNull(4) ? null : JsonSerializer.Deserialize<EntryQuery>(r.GetString(4), Json),
                r.IsDBNull(8) ? null : r.GetInt32(8), r.IsDBNull(5) ? null : r.GetString(5),
                r.GetFieldValue<DateTimeOffset>(6), r.GetFieldValue<DateTimeOffset>(7), r.GetBoolean(9)));
        }
        return list;
    }
}
