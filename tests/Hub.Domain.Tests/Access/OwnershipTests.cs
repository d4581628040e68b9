using Hub.Domain.Access;
using Hub.Domain.Entries;
using Hub.Domain.Playlists;

namespace Hub.Domain.Tests.Access;

/// <summary>The ownership rules every door calls (REST and MCP test them over their wire; this is the table itself).</summary>
public sealed class OwnershipTests
{
    private static readonly Requester Alice = Requester.ForToken(Guid.NewGuid(), "alice", Roles.User);
    private static readonly Requester Bob = Requester.ForTelegram(42, "Bob", isAdmin: false);
    private static readonly Requester Admin = Requester.ForToken(Guid.NewGuid(), "root", Roles.Admin);

    private static Entry EntryOf(string? owner) => new() { Title = "t", FilePath = "/x", RequestedBy = owner };

    private static Playlist PlaylistOf(string? owner, bool isPrivate) =>
        new(Guid.NewGuid(), "p", null, PlaylistKinds.Static, null, 0, owner, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, isPrivate);

    [Fact]
    public void Entries_AreChangedByTheirOwnerOrAnAdmin_OwnerlessOnesByAdminsOnly()
    {
        Assert.True(EntryAccess.CanChange(Alice, EntryOf(Alice.Key)));
        Assert.False(EntryAccess.CanChange(Bob, EntryOf(Alice.Key)));
        Assert.True(EntryAccess.CanChange(Admin, EntryOf(Alice.Key)));
        Assert.False(EntryAccess.CanChange(Alice, EntryOf(null)));
        Assert.True(EntryAccess.CanChange(Admin, EntryOf(null)));
        Assert.Equal("forbidden", Assert.Throws<HubForbiddenException>(() => EntryAccess.RequireChange(Bob, EntryOf(Alice.Key))).Type);
    }

    [Fact]
    public void Playlists_AreReadByAllUnlessPrivate_AndChangedByTheirCreatorOrAnAdmin()
    {
        var open = PlaylistOf(Alice.Key, isPrivate: false);
        var hidden = PlaylistOf(Alice.Key, isPrivate: true);
        Assert.True(PlaylistAccess.CanRead(Bob, open));
        Assert.False(PlaylistAccess.CanRead(Bob, hidden));
        Assert.True(PlaylistAccess.CanRead(Alice, hidden));
        Assert.True(PlaylistAccess.CanRead(Admin, hidden));
        Assert.Throws<HubForbiddenException>(() => PlaylistAccess.RequireChange(Bob, open));
        // A private playlist of someone else's is not found, never "forbidden": its existence is not disclosed.
        Assert.Throws<HubNotFoundException>(() => PlaylistAccess.RequireChange(Bob, hidden));
        PlaylistAccess.RequireChange(Alice, hidden);
        PlaylistAccess.RequireChange(Admin, hidden);
    }

    [Fact]
    public void Owns_NeedsTheSameKey_AndNothingOwnerlessIsAnybodys()
    {
        Assert.True(Alice.Owns(Alice.Key));
        Assert.False(Alice.Owns(Bob.Key));
        Assert.False(Alice.Owns(null));
        Assert.False(Admin.Owns(null)); // admins act on everything by their role, not by owning it
    }
}
