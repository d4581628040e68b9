using Hub.Domain.Entries;

namespace Hub.Domain.Playlists;

public static class PlaylistKinds
{
    /// <summary>An ordered list of entries people add, remove and move.</summary>
    public const string Static = "static";
    /// <summary>A stored entry query, evaluated whenever the playlist is read.</summary>
    public const string Dynamic = "dynamic";
}

/// <summary>
/// A playlist as Hub's doors see it. <see cref="ItemCount"/> is null for dynamic playlists (it depends on when they are
/// read). A <see cref="Private"/> one is seen by its creator and admins only (<see cref="Access.PlaylistAccess"/>).
/// </summary>
public sealed record Playlist(
    Guid Id,
    string Name,
    string? Description,
    string Kind,
    EntryQuery? Query,
    int? ItemCount,
    string? CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool Private = false);

/// <summary>A change to a playlist; null leaves a field as it is. <see cref="Query"/> only applies to dynamic playlists.</summary>
public sealed record PlaylistPatch(string? Name = null, string? Description = null, EntryQuery? Query = null, bool? Private = null);

/// <summary>A page of a playlist's entries; <see cref="Positions"/> are the static playlist's positions (dense, from 0).</summary>
public sealed record PlaylistEntries(IReadOnlyList<Entry> Items, IReadOnlyList<int>? Positions, string? NextCursor);
