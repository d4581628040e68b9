using Hub.Domain.Playlists;

namespace Hub.Domain.Access;

/// <summary>Who may change a playlist (rename, delete, add, move or remove items): the requester who created it, or an admin.</summary>
public static class PlaylistAccess
{
    public static bool CanChange(Requester requester, Playlist playlist) =>
        requester.IsAdmin || (playlist.CreatedBy is not null && playlist.CreatedBy == requester.Key);

    /// <summary>Throws <see cref="PlaylistForbiddenException"/> unless <paramref name="requester"/> may change it.</summary>
    public static void RequireChange(Requester requester, Playlist playlist)
    {
        if (!CanChange(requester, playlist))
        {
            throw new PlaylistForbiddenException();
        }
    }
}

public sealed class PlaylistForbiddenException() : HubException("forbidden",
    "This playlist belongs to someone else; only its creator or an admin can change it.");
