using System.Security.Cryptography;
using Hub.Domain.Access;
using Hub.Domain.Storage;
using Npgsql;

namespace Hub.Domain.Pairing;

public static class PairingKinds
{
    /// <summary>Claimed by a browser (the extension's options page) for a token of its own.</summary>
    public const string Browser = "browser";

    /// <summary>Sent to the bot as <c>/link CODE</c> to link a Telegram contact.</summary>
    public const string Telegram = "telegram";
}

public sealed record PairingCode(string Code, string Kind, string OwnerKey, string OwnerName, DateTimeOffset ExpiresAt);

public sealed record LinkedContact(Contact Contact, string OwnerName);

/// <summary>
/// One-time codes that join a new door to a person without anyone copying a secret: a browser claims a user-role token
/// that acts for the person who made the code (<see cref="Requester.ForToken(ApiToken)"/>), and a Telegram contact sends
/// a code to the bot to be linked to them (<see cref="Requester.Owns"/>). Codes are short enough to type, valid
/// <see cref="ValidFor"/>, used once, and stored only as hashes.
/// </summary>
public sealed class PairingService(NpgsqlDataSource dataSource, TokenService tokens, ContactService contacts, TimeProvider time)
{
    public static readonly TimeSpan ValidFor = TimeSpan.FromMinutes(10);

    // No 0/O, 1/I/L: a code is read off one screen and typed into another.
    private const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private const int CodeLength = 10;

    /// <summary>
    /// A code for a browser. <paramref name="forTokenId"/> names another token's owner: admins only (anyone may pair
    /// a browser for themselves, which is the default).
    /// </summary>
    public async Task<PairingCode> CreateBrowserCodeAsync(Requester caller, Guid? forTokenId, CancellationToken cancellationToken)
    {
        var (ownerKey, ownerName) = (caller.Key, caller.Name);
        if (forTokenId is { } id)
        {
            var token = (await tokens.ListAsync(includeRevoked: false, cancellationToken).ConfigureAwait(false)).FirstOrDefault(t => t.Id == id);
            var target = token is null ? null : Requester.ForToken(token);
            if (target is null || (!caller.IsAdmin && target.Key != caller.Key))
            {
                // Not-found for non-admins too: ids of other people's tokens leak nothing.
                throw new HubNotFoundException("token", $"No live token {id} you may pair a browser for.");
            }
            (ownerKey, ownerName) = (target.Key, token!.Name);
        }
        return await CreateAsync(PairingKinds.Browser, ownerKey, ownerName, caller.Key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A code the caller sends to the bot as <c>/link CODE</c>. Only token holders have something to link to.</summary>
    public Task<PairingCode> CreateTelegramCodeAsync(Requester caller, CancellationToken cancellationToken)
    {
        if (!caller.Key.StartsWith(Requester.TokenPrefix, StringComparison.Ordinal))
        {
            throw new HubValidationException("requester", "Only an API token's owner can link a Telegram contact.");
        }
        return CreateAsync(PairingKinds.Telegram, caller.Key, caller.Name, caller.Key, cancellationToken);
    }

    /// <summary>Uses a browser code: a new user-role token named after the device, for the code's owner.</summary>
    public async Task<CreatedToken> ClaimBrowserAsync(string? code, string? deviceName, CancellationToken cancellationToken)
    {
        var name = (TextInput.Check(deviceName, "deviceName", 80) ?? "").Trim();
        if (name.Length == 0)
        {
            throw new HubValidationException("deviceName", "Name the browser (1 to 80 characters), e.g. \"Chrome on laptop\".");
        }
        var (ownerKey, _) = await UseAsync(PairingKinds.Browser, code, cancellationToken).ConfigureAwait(false);
        // Token names are unique among live tokens: a second "Chrome on laptop" becomes "Chrome on laptop (2)".
        for (var n = 1; ; n++)
        {
            try
            {
                return await tokens.CreateAsync(n == 1 ? name : $"{name} ({n})", Roles.User, ownerKey, cancellationToken).ConfigureAwait(false);
            }
            catch (HubConflictException) when (n < 50)
            {
            }
        }
    }

    /// <summary>Uses a Telegram code: the contact now also owns what the code's owner asked for.</summary>
    public async Task<LinkedContact> LinkTelegramAsync(string? code, long telegramId, CancellationToken cancellationToken)
    {
        var (ownerKey, ownerName) = await UseAsync(PairingKinds.Telegram, code, cancellationToken).ConfigureAwait(false);
        await using var cmd = dataSource.CreateCommand("UPDATE contacts SET owner_key = $1, updated_at = now() WHERE telegram_id = $2");
        cmd.Parameters.Add(new NpgsqlParameter { Value = ownerKey });
        cmd.Parameters.Add(new NpgsqlParameter { Value = telegramId });
        if (await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new HubNotFoundException("contact", $"No Telegram contact {telegramId}.");
        }
        await contacts.ChangedAsync(telegramId, cancellationToken).ConfigureAwait(false);
        var contact = await contacts.FindAsync(telegramId, cancellationToken).ConfigureAwait(false)
            ?? throw new HubNotFoundException("contact", $"No Telegram contact {telegramId}.");
        return new LinkedContact(contact, ownerName);
    }

    private async Task<PairingCode> CreateAsync(string kind, string ownerKey, string ownerName, string createdBy, CancellationToken cancellationToken)
    {
        var code = NewCode();
        var now = time.GetUtcNow();
        var expires = now + ValidFor;
        // Expired codes go as new ones come: the table stays as small as the codes in use.
        await using var cmd = dataSource.CreateCommand(
            "WITH gone AS (DELETE FROM pairing_codes WHERE expires_at < $6 - interval '1 day') " +
            "INSERT INTO pairing_codes (code_hash, kind, owner_key, owner_name, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)");
        foreach (var v in new object[] { Hash(code), kind, ownerKey, ownerName, createdBy, now, expires })
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = v });
        }
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return new PairingCode(Format(code), kind, ownerKey, ownerName, expires);
    }

    /// <summary>Marks the code used, atomically: of two claims at once exactly one gets it.</summary>
    private async Task<(string OwnerKey, string OwnerName)> UseAsync(string kind, string? code, CancellationToken cancellationToken)
    {
        var normalized = Normalize(code);
        if (normalized is null)
        {
            throw new HubValidationException("code", $"A pairing code is {CodeLength} letters and digits, e.g. ABCDE-FGHJK.");
        }
        await using var cmd = dataSource.CreateCommand(
            "UPDATE pairing_codes SET used_at = $3 WHERE code_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3 RETURNING owner_key, owner_name");
        cmd.Parameters.Add(new NpgsqlParameter { Value = Hash(normalized) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = kind });
        cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new HubNotFoundException("code", "This code is unknown, already used or expired (codes last 10 minutes). Make a new one.");
        }
        return (reader.GetString(0), reader.GetString(1));
    }

    /// <summary>Upper case, dashes and spaces dropped; null unless it could be a code.</summary>
    public static string? Normalize(string? code)
    {
        var s = new string((code ?? "").Where(c => c is not ('-' or ' ')).ToArray()).ToUpperInvariant();
        return s.Length == CodeLength && s.All(c => Alphabet.Contains(c)) ? s : null;
    }

    private static string NewCode() =>
        new(Enumerable.Range(0, CodeLength).Select(_ => Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]).ToArray());

    private static string Format(string code) => code[..(CodeLength / 2)] + "-" + code[(CodeLength / 2)..];

    private static string Hash(string code) => TokenService.Hash("pairing:" + code);
}
