using Hub.Domain;
using Hub.Domain.Access;
using Microsoft.Extensions.Options;

namespace Hub.Bot.Notifications;

/// <summary>
/// Signed stream links for chat messages (no token needed to play them), absolute on <see cref="PublicAddress"/>;
/// without one there is no link (a chat cannot use a relative one).
/// Links in chats live the longest a signed link may (7 days): messages stay in the chat.
/// </summary>
public sealed class EntryLinks(SignedLinks links, IOptions<HubOptions> hub)
{
    public static readonly TimeSpan Ttl = SignedLinks.MaxTtl;

    /// <summary>Without Hub:PublicUrl links use the address Hub listens on, which other devices often cannot reach.</summary>
    public bool LocalOnly => string.IsNullOrEmpty(hub.Value.PublicUrl);

    public const string LocalOnlyNote = "(This link uses the Hub machine's own address: it may not open on other devices until an admin sets Hub:PublicUrl.)";

    public const string AdminWarning = "⚠️ Hub:PublicUrl is not set, so the links I send point at the Hub machine's own address (such as 127.0.0.1), "
        + "which phones and other computers usually cannot open. Set Hub:PublicUrl to the address people reach Hub at.";

    /// <summary>A stream link held by <paramref name="holder"/> (a Telegram user id): it stops working if they are blocked.</summary>
    public async Task<string?> StreamUrlAsync(Guid entryId, long holder, CancellationToken cancellationToken)
    {
        var (url, _, _) = await links.CreateHeldAsync(entryId, SignedLinks.Stream, Ttl, holder, cancellationToken).ConfigureAwait(false);
        return url?.AbsoluteUri;
    }
}
