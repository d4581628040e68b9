using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Hub.Domain.Storage;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Hub.Domain.Access;

/// <summary>
/// A validated link: which entry, served how, until when, and (for links given to a Telegram user) whose it is.
/// For kind <see cref="SignedLinks.JobMedia"/> the id is a job's (play now), not an entry's.
/// </summary>
public sealed record SignedLink(Guid EntryId, string Kind, DateTimeOffset ExpiresAt, long? Holder = null, Guid? IssuedBy = null);

/// <summary>
/// Short-lived links that stream or download one entry without a bearer token (players, &lt;video&gt; tags, chats).
/// A link is <c>/s/{token}</c>; the token is base64url of entry id (16 bytes), kind (1), expiry in Unix seconds (8),
/// optionally whose it is (a Telegram user's id, 8, or the id of the API token that made it, 16: either ends the link
/// when blocked or revoked), and the first 16 bytes of HMAC-SHA256 over those bytes. The key (32 random bytes) is made once and kept in
/// the settings table, so every Hub process sharing the database signs and checks alike.
/// Usage: <c>links.CreateUrl(entryId, SignedLinks.Stream, TimeSpan.FromHours(6))</c> after <see cref="EnsureKeyAsync"/>
/// (done at start-up by the host), or <see cref="CreateAsync"/> anywhere.
/// </summary>
public sealed class SignedLinks(NpgsqlDataSource dataSource, PublicAddress address, TimeProvider time, TokenService tokens)
{
    public const string Stream = "stream";
    public const string Download = "download";
    /// <summary>A running job's growing file ("play now"), then its entry once it completed: the id signed is the job's.</summary>
    public const string JobMedia = "job-media";
    public const string PathPrefix = "/s/";
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromHours(6);
    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(7);

    private const string SettingKey = "signed_links.key";
    private const int MacBytes = 16;
    private const int PayloadBytes = 16 + 1 + 8;
    private const int TokenChars = ((PayloadBytes + MacBytes) * 4 + 2) / 3; // base64url without padding: 55
    // A link given to a Telegram user also carries their id (8 more bytes), so it stops working when they are blocked.
    private const int HolderPayloadBytes = PayloadBytes + 8;
    private const int HolderTokenChars = ((HolderPayloadBytes + MacBytes) * 4 + 2) / 3; // 66
    // A link made with an API token carries the token's id (16 more bytes), so revoking the token ends its links.
    private const int IssuerPayloadBytes = PayloadBytes + 16;
    private const int IssuerTokenChars = ((IssuerPayloadBytes + MacBytes) * 4 + 2) / 3; // 76
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _key;

    /// <summary>Loads (or creates, once for the whole installation) the signing key.</summary>
    public async ValueTask EnsureKeyAsync(CancellationToken cancellationToken)
    {
        if (_key is not null) return;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_key is not null) return;
            await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            // Concurrent first starts race on the insert; the select reads whichever key won.
            await using (var insert = new NpgsqlCommand(
                "INSERT INTO settings (key, value) VALUES ($1, jsonb_build_object('key', $2::text)) ON CONFLICT (key) DO NOTHING", conn))
            {
                insert.Parameters.AddWithValue(SettingKey);
                insert.Parameters.AddWithValue(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await using var select = new NpgsqlCommand("SELECT value->>'key' FROM settings WHERE key = $1", conn);
            select.Parameters.AddWithValue(SettingKey);
            var stored = (string?)await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            _key = Convert.FromBase64String(stored ?? throw new InvalidOperationException("The signing key could not be stored."));
        }
        finally
        {
            _gate.Release();
        }
    }

    private byte[] Key => _key ?? throw new InvalidOperationException("SignedLinks.EnsureKeyAsync has not run yet (the host runs it at start).");

    /// <summary>The ttl clamped to (0, 7 days]; null is the default of 6 hours.</summary>
    public static TimeSpan ClampTtl(TimeSpan? ttl) =>
        ttl is not { } t ? DefaultTtl : t <= TimeSpan.Zero ? TimeSpan.FromSeconds(1) : t > MaxTtl ? MaxTtl : t;

    /// <summary>A link path such as <c>/s/AbC…</c>, relative to Hub's base address.</summary>
    public string CreatePath(Guid entryId, string kind, TimeSpan ttl) => CreatePath(entryId, kind, ttl, out _);

    public string CreatePath(Guid entryId, string kind, TimeSpan ttl, out DateTimeOffset expiresAt) => CreatePath(entryId, kind, ttl, (Guid?)null, out expiresAt);

    /// <summary>A link path held by a Telegram user: <see cref="ValidateAsync"/> refuses it once they are blocked.</summary>
    public string CreatePath(Guid entryId, string kind, TimeSpan ttl, long? holder, out DateTimeOffset expiresAt) =>
        CreatePath(entryId, kind, ttl, holder, null, out expiresAt);

    /// <summary>
    /// A link path made with the API token <paramref name="issuedBy"/> (null: by Hub itself, e.g. a webhook's):
    /// <see cref="ValidateAsync"/> refuses it once that token is revoked.
    /// </summary>
    public string CreatePath(Guid entryId, string kind, TimeSpan ttl, Guid? issuedBy, out DateTimeOffset expiresAt) =>
        CreatePath(entryId, kind, ttl, null, issuedBy, out expiresAt);

    private string CreatePath(Guid entryId, string kind, TimeSpan ttl, long? holder, Guid? issuedBy, out DateTimeOffset expiresAt)
    {
        var kindByte = kind switch
        {
            Stream => (byte)0,
            Download => (byte)1,
            JobMedia => (byte)2,
            _ => throw new HubValidationException("kind", "kind must be stream or download."),
        };
        var expires = time.GetUtcNow() + ClampTtl(ttl);
        var unix = expires.ToUnixTimeSeconds();
        expiresAt = DateTimeOffset.FromUnixTimeSeconds(unix);
        var payload = holder is not null ? HolderPayloadBytes : issuedBy is not null ? IssuerPayloadBytes : PayloadBytes;
        Span<byte> token = stackalloc byte[payload + MacBytes];
        entryId.TryWriteBytes(token[..16]);
        token[16] = kindByte;
        BinaryPrimitives.WriteInt64BigEndian(token[17..25], unix);
        if (holder is { } h)
        {
            BinaryPrimitives.WriteInt64BigEndian(token[25..33], h);
        }
        else if (issuedBy is { } issuer)
        {
            issuer.TryWriteBytes(token[25..41]);
        }
        Mac(token[..payload], token[payload..]);
        return PathPrefix + Base64Url.EncodeToString(token);
    }

    /// <summary>An absolute link on <see cref="PublicAddress"/>, or null when Hub has no address to give (no PublicUrl, no concrete listen address).</summary>
    public Uri? CreateUrl(Guid entryId, string kind, TimeSpan ttl) => ToAbsolute(CreatePath(entryId, kind, ttl));

    /// <summary>Creates a link after making sure the key is loaded: its absolute form (or null, see <see cref="CreateUrl"/>) and its path.</summary>
    public Task<(Uri? Url, string Path, DateTimeOffset ExpiresAt)> CreateAsync(Guid entryId, string kind, TimeSpan? ttl, CancellationToken cancellationToken) =>
        CreateAsync(entryId, kind, ttl, null, cancellationToken);

    /// <summary>As <see cref="CreateAsync(Guid, string, TimeSpan?, CancellationToken)"/>, for a caller with an API token: the link ends when the token is revoked.</summary>
    public async Task<(Uri? Url, string Path, DateTimeOffset ExpiresAt)> CreateAsync(Guid entryId, string kind, TimeSpan? ttl, Guid? issuedBy,
        CancellationToken cancellationToken)
    {
        await EnsureKeyAsync(cancellationToken).ConfigureAwait(false);
        var path = CreatePath(entryId, kind, ClampTtl(ttl), issuedBy, out var expires);
        return (ToAbsolute(path), path, expires);
    }

    /// <summary>A link's path made absolute on <see cref="PublicAddress"/>, or null when Hub has no address to give.</summary>
    public Uri? ToAbsolute(string path) => address.Base is { } b ? new Uri(b, path.TrimStart('/')) : null;

    /// <summary>A link for a Telegram user, after making sure the key is loaded (see <see cref="CreateAsync"/>).</summary>
    public async Task<(Uri? Url, string Path, DateTimeOffset ExpiresAt)> CreateHeldAsync(Guid entryId, string kind, TimeSpan? ttl, long holder,
        CancellationToken cancellationToken)
    {
        await EnsureKeyAsync(cancellationToken).ConfigureAwait(false);
        var path = CreatePath(entryId, kind, ClampTtl(ttl), holder, out var expires);
        return (ToAbsolute(path), path, expires);
    }

    /// <summary>
    /// <see cref="TryValidate"/>, and for a link held by a Telegram user, that they are not blocked: blocking someone
    /// ends the links they were given.
    /// </summary>
    public async Task<(SignedLink? Link, string? Failure)> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        await EnsureKeyAsync(cancellationToken).ConfigureAwait(false);
        if (!TryValidate(token, out var link, out var failure))
        {
            return (null, failure);
        }
        if (link!.Holder is { } holder)
        {
            await using var cmd = dataSource.CreateCommand("SELECT status FROM contacts WHERE telegram_id = $1");
            cmd.Parameters.AddWithValue(holder);
            if (await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string status || status == ContactStatuses.Blocked)
            {
                return (null, "The link's holder no longer has access.");
            }
        }
        if (link.IssuedBy is { } issuer && !await tokens.IsLiveAsync(issuer, cancellationToken).ConfigureAwait(false))
        {
            return (null, "The token that made this link was revoked.");
        }
        return (link, null);
    }

    /// <summary>Checks a token (the part after <c>/s/</c>): well-formed, signed by us (constant-time), not expired.</summary>
    public bool TryValidate(string token, out SignedLink? link, out string? failure)
    {
        link = null;
        var payload = token?.Length switch { HolderTokenChars => HolderPayloadBytes, IssuerTokenChars => IssuerPayloadBytes, _ => PayloadBytes };
        Span<byte> bytes = stackalloc byte[payload + MacBytes];
        if (token is null || token.Length is not (TokenChars or HolderTokenChars or IssuerTokenChars) || !TryDecode(token, bytes))
        {
            failure = "The link is malformed.";
            return false;
        }
        Span<byte> expected = stackalloc byte[MacBytes];
        Mac(bytes[..payload], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[payload..]) || bytes[16] > 2)
        {
            failure = "The link's signature is not valid.";
            return false;
        }
        var expires = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(bytes[17..25]));
        if (time.GetUtcNow() >= expires)
        {
            failure = $"The link expired at {expires:u}.";
            return false;
        }
        failure = null;
        link = new SignedLink(new Guid(bytes[..16]), bytes[16] switch { 0 => Stream, 1 => Download, _ => JobMedia }, expires,
            payload == HolderPayloadBytes ? BinaryPrimitives.ReadInt64BigEndian(bytes[25..33]) : null,
            payload == IssuerPayloadBytes ? new Guid(bytes[25..41]) : null);
        return true;
    }

    private static bool TryDecode(string token, Span<byte> bytes)
    {
        try
        {
            return Base64Url.TryDecodeFromChars(token, bytes, out var n) && n == bytes.Length;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private void Mac(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(Key, payload, full);
        full[..MacBytes].CopyTo(destination);
    }
}
