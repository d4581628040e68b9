using Hub.Domain.Access;

namespace Hub.Domain.Tests.Access;

/// <summary>"The same person" across doors: paired tokens and linked Telegram contacts (Requester.Owns).</summary>
public sealed class RequesterLinkTests
{
    private static readonly ApiToken Owner = new() { Id = Guid.NewGuid(), Name = "alice", Role = Roles.User, SecretHash = "x", Prefix = "hub_x" };

    [Fact]
    public void PairedToken_ActsForItsOwner_AndOwnsWhatTheOwnerAskedFor()
    {
        var browser = new ApiToken { Id = Guid.NewGuid(), Name = "Chrome on laptop", Role = Roles.User, SecretHash = "y", Prefix = "hub_y", OwnerKey = Requester.ForToken(Owner).Key };

        var requester = Requester.ForToken(browser);

        Assert.Equal("token:" + Owner.Id, requester.Key);
        Assert.Equal("Chrome on laptop", requester.Name);
        Assert.True(requester.Owns(Requester.ForToken(Owner).Key));
        Assert.False(requester.Owns("token:" + Guid.NewGuid()));
    }

    [Fact]
    public void LinkedContact_OwnsItsOwnAndItsOwnersJobs_AnUnlinkedOneOnlyItsOwn()
    {
        var linked = Requester.ForContact(new Contact { TelegramId = 42, Status = ContactStatuses.Allowed, OwnerKey = Requester.ForToken(Owner).Key });
        var unlinked = Requester.ForContact(new Contact { TelegramId = 43, Status = ContactStatuses.Allowed });

        Assert.True(linked.Owns(Requester.TelegramKey(42)));
        Assert.True(linked.Owns(Requester.ForToken(Owner).Key));
        Assert.False(linked.Owns(Requester.TelegramKey(43)));
        Assert.False(linked.Owns(null));
        Assert.False(unlinked.Owns(Requester.ForToken(Owner).Key));
        Assert.Equal(Requester.TelegramKey(42), linked.Key); // jobs it starts stay the contact's, so its chat follows them
    }
}
