namespace Hub.Bot.Notifications;

/// <summary>
/// Links to entries for chat messages. Signed stream links come from Hub.Domain.Access.SignedLinks once it lands;
/// until then there is no link (a plain one would not play without a token).
/// </summary>
public sealed class EntryLinks
{
    public string? StreamUrl(Guid entryId) => null;
}
