namespace Hub.Domain.Access;

/// <summary>
/// Who is asking, as every door names them: the key recorded on the jobs they start (<c>token:{id}</c> for API and MCP
/// tokens, <c>telegram:{userId}</c> for bot contacts, <c>mcp:stdio</c>/<c>cli:{user}</c> for local commands), a name
/// people can read, and whether they act as an admin. Token names are not unique and can be reused after a revoke; the
/// id cannot, hence keys on ids.
/// </summary>
/// <param name="LinkedTo">Another key of the same person: the token owner a Telegram contact was linked to (<c>/link</c>).</param>
public sealed record Requester(string Key, string Name, bool IsAdmin, string? LinkedTo = null)
{
    public const string TokenPrefix = "token:";
    public const string TelegramPrefix = "telegram:";

    public static Requester ForToken(Guid tokenId, string name, string role) =>
        new(TokenPrefix + tokenId, name, role == Roles.Admin);

    /// <summary>A paired token (the extension's) acts for the person who paired it: its key is their key.</summary>
    public static Requester ForToken(ApiToken token) =>
        new(token.OwnerKey ?? TokenPrefix + token.Id, token.Name, token.Role == Roles.Admin);

    public static Requester ForTelegram(long userId, string name, bool isAdmin, string? linkedTo = null) =>
        new(TelegramKey(userId), name, isAdmin, linkedTo);

    /// <summary>A Telegram contact, linked or not to a token owner.</summary>
    public static Requester ForContact(Contact contact) =>
        ForTelegram(contact.TelegramId, contact.DisplayName, contact.IsAdmin, contact.OwnerKey);

    /// <summary>A person at this machine's console (<c>hub mcp</c>, <c>hub import</c>): trusted as the role configured.</summary>
    public static Requester Local(string key, string name, string role) => new(key, name, role == Roles.Admin);

    public static string TelegramKey(long userId) => TelegramPrefix + userId;

    /// <summary>
    /// Whether a job, entry or playlist recorded as asked for by <paramref name="ownerKey"/> is this requester's. The one
    /// place "the same person" is decided: a paired token already carries its owner's key (<see cref="ForToken(ApiToken)"/>),
    /// and a Telegram contact linked with <c>/link</c> also owns what its token owner asked for (<see cref="LinkedTo"/>).
    /// Nothing without an owner (system jobs, files found on disk) is anybody's.
    /// </summary>
    public bool Owns(string? ownerKey) => ownerKey is not null && (ownerKey == Key || ownerKey == LinkedTo);
}
