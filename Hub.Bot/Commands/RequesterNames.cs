using Hub.Domain.Access;

namespace Hub.Bot.Commands;

/// <summary>
/// People as the chat names them: a Telegram user by their name (@username), a token by the name it was given;
/// never the internal key ("telegram:100", "token:01a2…"). Keys of Hub itself (housekeeping) have no name.
/// </summary>
public sealed class RequesterNames(ContactService contacts, TokenService tokens)
{
    public async Task<string?> NameAsync(string? key, CancellationToken ct)
    {
        if (key is null)
        {
            return null;
        }
        if (key.StartsWith(Requester.TelegramPrefix, StringComparison.Ordinal) && long.TryParse(key[Requester.TelegramPrefix.Length..],
            System.Globalization.CultureInfo.InvariantCulture, out var telegramId))
        {
            return (await contacts.FindAsync(telegramId, ct).ConfigureAwait(false))?.DisplayName ?? "a Telegram user";
        }
        if (key.StartsWith(Requester.TokenPrefix, StringComparison.Ordinal) && Guid.TryParse(key[Requester.TokenPrefix.Length..], out var tokenId))
        {
            var token = (await tokens.ListAsync(true, ct).ConfigureAwait(false)).FirstOrDefault(t => t.Id == tokenId);
            return token is null ? "an API token" : $"token “{token.Name}”";
        }
        return null;
    }
}
