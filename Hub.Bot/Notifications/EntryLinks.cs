using Hub.Domain.Access;

namespace Hub.Bot.Notifications;

/// <summary>
/// Signed stream links for chat messages (no token needed to play them), absolute on <see cref="PublicAddress"/>;
/// without one there is no link (a chat cannot use a relative one).
/// Links in chats live the longest a signed link may (7 days): messages stay in the chat.
/// </summary>
public sealed class EntryLinks(SignedLinks links)
{
    public static readonly TimeSpan Ttl = SignedLinks.MaxTtl;

    public async Task<string?> StreamUrlAsync(Guid entryId, CancellationToken cancellationToken)
    {
        var (url, _, _) = await links.CreateAsync(entryId, SignedLinks.Stream, Ttl, cancellationToken).ConfigureAwait(false);
        return url?.AbsoluteUri;
    }
}
