using Hub.Domain.Playlists;

namespace Hub.Domain.Access;

/// <summary>
/// Who may do what with a playlist, for every door: its creator (<see cref="Requester.Owns"/>) or an admin changes it
/// (rename, describe, make private, delete, add, move or remove items); everyone reads it unless it is private, and a
/// private playlist is "not found" to others, exactly like one that does not exist.
/// </summary>
public static class PlaylistAccess
{
    public static bool CanChange(Requester requester, Playlist playlist) => CanChange(requester, playlist.CreatedBy);

    public static bool CanChange(Requester requester, string? createdBy) => requester.IsAdmin || requester.Owns(createdBy);

    public static bool CanRead(Requester requester, Playlist playlist) => !playlist.Private || CanChange(requester, playlist);

    /// <summary>Throws not-found unless <paramref name="requester"/> may read it, then forbidden unless they may change it.</summary>
    public static void RequireChange(Requester requester, Playlist playlist)
    {
        RequireRead(requester, playlist);
        if (!CanChange(requester, playlist))
        {
            throw new HubForbiddenException("This playlist belongs to someone else; only its creator or an admin can change it.");
        }
    }

    public static void RequireRead(Requester requester, Playlist playlist)
    {
        if (!CanRead(requester, playlist))
        {
            throw NotFound(playlist.Id);
        }
    }

    public static HubNotFoundException NotFound(Guid id) => new("playlist", $"No playlist {id}.");
}
