using System.ComponentModel;
using System.Security.Claims;
using Hub.Domain.Access;
using Hub.Domain.Entries;
using Hub.Domain.Libraries;
using Hub.Domain.Playlists;
using Microsoft.AspNetCore.Authorization;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Hub.Mcp.Tools;

/// <summary>
/// Playlists, as REST offers them: static (a hand-kept list) or dynamic (a saved search that fills itself). Everyone
/// reads them unless private; only the creator or an admin changes one (<see cref="PlaylistAccess"/>, which
/// <see cref="PlaylistService"/> applies for every door).
/// </summary>
[McpServerToolType]
public sealed class PlaylistTools(PlaylistService playlists, LibraryService libraries, ClaimsPrincipal user)
{
    [McpServerTool(Name = "list_playlists", ReadOnly = true, Title = "List playlists", UseStructuredContent = true)]
    [Authorize]
    [Description("Every playlist you may read (all public ones and your own private ones): id, name, kind (static or dynamic), item count, who created it.")]
    public async Task<PlaylistListView> ListPlaylistsAsync(CancellationToken cancellationToken) =>
        new([.. (await playlists.ListAsync(Caller, cancellationToken).ConfigureAwait(false)).Select(PlaylistView.From)]);

    [McpServerTool(Name = "get_playlist", ReadOnly = true, Title = "Get a playlist", UseStructuredContent = true, OutputSchemaType = typeof(PlaylistDetailView))]
    [Authorize]
    [Description("A playlist and its entries in order (a dynamic playlist's entries are its saved search run now); paginated with cursor.")]
    public async Task<CallToolResult> GetPlaylistAsync(
        [Description("The playlist id.")] Guid playlist_id,
        [Description("Entries per page, 1 to 100 (default 50).")] int limit = 50,
        [Description("The next_cursor of the previous page.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        EntryTools.CheckLimit(limit);
        var playlist = await playlists.GetAsync(Caller, playlist_id, cancellationToken).ConfigureAwait(false);
        var items = await playlists.EntriesAsync(Caller, playlist_id, cursor, limit, cancellationToken).ConfigureAwait(false);
        return ToolResults.WithEntryLinks(new PlaylistDetailView(PlaylistView.From(playlist), [.. items.Items.Select(EntryView.From)], items.NextCursor),
            items.Items.Select(e => (Guid?)e.Id));
    }

    [McpServerTool(Name = "create_playlist", Title = "Create a playlist", UseStructuredContent = true)]
    [Authorize(Policy = McpPolicies.Write)]
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
        [Description("true: only you (and admins) can see it; default false (everyone can read it).")] bool @private = false,
        CancellationToken cancellationToken = default)
    {
        EntryQuery? saved = null;
        if (kind == PlaylistKinds.Dynamic)
        {
            saved = new EntryQuery
            {
                Q = query,
                LibraryId = await EntryTools.LibraryIdAsync(libraries, library, cancellationToken).ConfigureAwait(false),
                MediaKind = media_kind,
                Tags = tags?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };
        }
        else if (query is not null || library is not null || media_kind is not null || tags is not null)
        {
            throw new McpException("Invalid 'kind': query, library, media_kind and tags describe a dynamic playlist; pass kind='dynamic'.");
        }
        var created = await playlists.CreateAsync(Caller, name, kind, saved, description, @private, cancellationToken).ConfigureAwait(false);
        return PlaylistView.From(created);
    }

    [McpServerTool(Name = "rename_playlist", Idempotent = true, Title = "Rename a playlist", UseStructuredContent = true)]
    [Authorize(Policy = McpPolicies.Write)]
    [Description("Renames a playlist and optionally changes its description or makes it private or public. Only its creator or an admin can change it.")]
    public async Task<PlaylistView> RenamePlaylistAsync(
        [Description("The playlist id.")] Guid playlist_id,
        [Description("The new name.")] string name,
        [Description("A new description; leave out to keep the current one.")] string? description = null,
        [Description("true: private (only its creator and admins see it); false: public; leave out to keep.")] bool? @private = null,
        CancellationToken cancellationToken = default) =>
        PlaylistView.From(await playlists.UpdateAsync(Caller, playlist_id, new PlaylistPatch(name, description, Private: @private), cancellationToken).ConfigureAwait(false));

    [McpServerTool(Name = "delete_playlist", Destructive = true, Title = "Delete a playlist", UseStructuredContent = true)]
    [Authorize(Policy = McpPolicies.Write)]
    [Description("Deletes a playlist; the entries it listed stay in the library. Only its creator or an admin can delete it.")]
    public async Task<DoneView> DeletePlaylistAsync(
        [Description("The playlist id.")] Guid playlist_id,
        CancellationToken cancellationToken = default)
    {
        await playlists.DeleteAsync(Caller, playlist_id, cancellationToken).ConfigureAwait(false);
        return new DoneView($"Playlist {playlist_id} deleted; its entries stay in the library.");
    }

    [McpServerTool(Name = "add_to_playlist", Title = "Add to a playlist", UseStructuredContent = true, OutputSchemaType = typeof(PlaylistChangeView))]
    [Authorize(Policy = McpPolicies.Write)]
    [Description("Adds a library entry to a static playlist, at the end or at a position (0 = first). Non-admins can change " +
        "only playlists they created.")]
    public async Task<CallToolResult> AddToPlaylistAsync(
        [Description("The playlist id.")] Guid playlist_id,
        [Description("The entry id to add.")] Guid entry_id,
        [Description("Position, 0 = first; leave out to append.")] int? position = null,
        CancellationToken cancellationToken = default)
    {
        var at = await playlists.AddAsync(Caller, playlist_id, entry_id, position, cancellationToken).ConfigureAwait(false);
        return ToolResults.WithEntryLinks(new PlaylistChangeView(playlist_id, entry_id, at, $"Added at position {at} (0 = first)."), entry_id);
    }

    [McpServerTool(Name = "move_playlist_item", Idempotent = true, Title = "Move a playlist item", UseStructuredContent = true, OutputSchemaType = typeof(PlaylistChangeView))]
    [Authorize(Policy = McpPolicies.Write)]
    [Description("Moves an entry of a static playlist to another position (0 = first; past the end = last). Only the playlist's " +
        "creator or an admin can change it.")]
    public async Task<CallToolResult> MovePlaylistItemAsync(
        [Description("The playlist id.")] Guid playlist_id,
        [Description("The entry id to move (it must be in the playlist).")] Guid entry_id,
        [Description("The new position, 0 = first.")] int position,
        CancellationToken cancellationToken = default)
    {
        var at = await playlists.MoveAsync(Caller, playlist_id, entry_id, position, cancellationToken).ConfigureAwait(false);
        return ToolResults.WithEntryLinks(new PlaylistChangeView(playlist_id, entry_id, at, $"Moved to position {at} (0 = first)."), entry_id);
    }

    [McpServerTool(Name = "remove_from_playlist", Destructive = true, Idempotent = true, Title = "Remove from a playlist", UseStructuredContent = true)]
    [Authorize(Policy = McpPolicies.Write)]
    [Description("Takes an entry out of a static playlist; the entry stays in the library. Only the playlist's creator or an " +
        "admin can change it.")]
    public async Task<PlaylistChangeView> RemoveFromPlaylistAsync(
        [Description("The playlist id.")] Guid playlist_id,
        [Description("The entry id to take out.")] Guid entry_id,
        CancellationToken cancellationToken = default)
    {
        await playlists.RemoveAsync(Caller, playlist_id, entry_id, cancellationToken).ConfigureAwait(false);
        return new PlaylistChangeView(playlist_id, entry_id, null, "Removed from the playlist; the entry stays in the library.");
    }

    private Requester Caller => RequesterPrincipal.Read(user);
}
