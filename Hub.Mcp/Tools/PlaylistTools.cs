using System.ComponentModel;
using Hub.Domain.Entries;
using Hub.Domain.Libraries;
using Hub.Domain.Playlists;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace Hub.Mcp.Tools;

/// <summary>Playlists: static (a hand-kept list) or dynamic (a saved search that fills itself). Non-admins change only their own.</summary>
[McpServerToolType]
public sealed class PlaylistTools(PlaylistService playlists, LibraryService libraries, McpCaller caller)
{
    [McpServerTool(Name = "list_playlists", ReadOnly = true, Title = "List playlists")]
    [ToolAccess(McpAccess.Read)]
    [Description("Every playlist: id, name, kind (static or dynamic), item count, who created it.")]
    public async Task<IReadOnlyList<PlaylistView>> ListPlaylistsAsync(CancellationToken cancellationToken) =>
        [.. (await playlists.ListAsync(cancellationToken).ConfigureAwait(false)).Select(PlaylistView.From)];

    [McpServerTool(Name = "get_playlist", ReadOnly = true, Title = "Get a playlist")]
    [ToolAccess(McpAccess.Read)]
    [Description("A playlist and its entries in order (a dynamic playlist's entries are its saved search run now); paginated with cursor.")]
    public async Task<PlaylistDetailView> GetPlaylistAsync(
        [Description("The playlist id.")] Guid playlist_id,
        [Description("Entries per page, 1 to 100 (default 50).")] int limit = 50,
        [Description("The next_cursor of the previous page.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > 100)
        {
            throw new McpException("Invalid 'limit': use 1 to 100.");
        }
        var playlist = await playlists.GetAsync(playlist_id, cancellationToken).ConfigureAwait(false);
        var items = await playlists.EntriesAsync(playlist_id, cursor, limit, cancellationToken).ConfigureAwait(false);
        return new PlaylistDetailView(PlaylistView.From(playlist), [.. items.Items.Select(EntryView.From)], items.NextCursor);
    }

    [McpServerTool(Name = "create_playlist", Title = "Create a playlist")]
    [ToolAccess(McpAccess.Write)]
    [Description("Creates a playlist. kind 'static' (default): an empty list to fill with add_to_playlist. kind 'dynamic': a saved " +
        "search over the library (query and filters as in search_library) that always shows the current matches.")]
    public async Task<PlaylistView> CreatePlaylistAsync(
        [Description("The playlist's name.")] string name,
        [Description("'static' (default) or 'dynamic'.")] string kind = PlaylistKinds.Static,
        [Description("Dynamic only: search words, as in search_library.")] string? query = null,
        [Description("Dynamic only: only this library (id, slug or name).")] string? library = null,
        [Description("Dynamic only: 'video', 'audio' or 'other'.")] string? media_kind = null,
        [Description("Dynamic only: entries carrying all these tags, comma-separated.")] string? tags = null,
        [Description("A short description.")] string? description = null,
        CancellationToken cancellationToken = default)
    {
        EntryQuery? saved = null;
        if (kind == PlaylistKinds.Dynamic)
        {
            Guid? libraryId = null;
            if (!string.IsNullOrWhiteSpace(library))
            {
                libraryId = (await libraries.FindAsync(library, cancellationToken).ConfigureAwait(false)
                    ?? throw new McpException($"Invalid 'library': there is no library '{library}'. See list_libraries.")).Id;
            }
            saved = new EntryQuery
            {
                Q = query,
                LibraryId = libraryId,
                MediaKind = media_kind,
                Tags = tags?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };
        }
        else if (query is not null || library is not null || media_kind is not null || tags is not null)
        {
            throw new McpException("Invalid 'kind': query, library, media_kind and tags describe a dynamic playlist; pass kind='dynamic'.");
        }
        return PlaylistView.From(await playlists.CreateAsync(name, kind, saved, description, caller.RequesterKey, cancellationToken).ConfigureAwait(false));
    }

    [McpServerTool(Name = "add_to_playlist", Title = "Add to a playlist")]
    [ToolAccess(McpAccess.Write)]
    [Description("Adds a library entry to a static playlist, at the end or at a position (0 = first). Non-admins can change " +
        "only playlists they created.")]
    public async Task<string> AddToPlaylistAsync(
        [Description("The playlist id.")] Guid playlist_id,
        [Description("The entry id to add.")] Guid entry_id,
        [Description("Position, 0 = first; leave out to append.")] int? position = null,
        CancellationToken cancellationToken = default)
    {
        var playlist = await playlists.GetAsync(playlist_id, cancellationToken).ConfigureAwait(false);
        if (!caller.IsAdmin && playlist.CreatedBy != caller.RequesterKey)
        {
            throw new McpException("Not allowed: this playlist belongs to someone else; only its creator or an admin can change it.");
        }
        var at = await playlists.AddAsync(playlist_id, entry_id, position, cancellationToken).ConfigureAwait(false);
        return $"Added at position {at} (0 = first).";
    }
}
