using System.Security.Cryptography;
using System.Text;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Hub.Domain.Access;

public sealed record CreatedToken(ApiToken Token, string Secret);

/// <summary>
/// API tokens: random secrets shown once, stored as SHA-256 hashes (a 256-bit random secret needs no slow hash).
/// </summary>
public sealed class TokenService
{
    private readonly IDbContextFactory<HubDbContext> dbFactory;
    private readonly NpgsqlDataSource dataSource;
    private readonly TimeProvider time;

    public TokenService(IDbContextFactory<HubDbContext> dbFactory, NpgsqlDataSource dataSource, CacheInvalidation caches, TimeProvider time)
    {
        this.dbFactory = dbFactory;
        this.dataSource = dataSource;
        this.time = time;
        caches.Invalidated += (kind, id) =>
        {
            if (kind is null)
            {
                _cache.Clear();
                _live.Clear();
            }
            else if (kind == CacheInvalidation.Token)
            {
                foreach (var (hash, hit) in _cache)
                {
                    if (hit.Token.Id == id) _cache.TryRemove(hash, out _);
                }
                _live.TryRemove(id, out _);
            }
        };
    }

    public const string SecretPrefix = "hub_";
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Validated tokens are remembered this long, so a player seeking through a file (a request per seek) does not
    /// cost a database round trip each time. A revoke takes effect at once in every process (<see cref="CacheInvalidation"/>);
    /// this lifetime only bounds a notification that got lost.
    /// </summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ApiToken Token, DateTimeOffset At)> _cache = new(StringComparer.Ordinal);

    public Task<CreatedToken> CreateAsync(string name, string role, CancellationToken cancellationToken) =>
        CreateAsync(name, role, null, cancellationToken);

    /// <param name="ownerKey">The person the token acts for (a paired browser's), or null for a token of its own.</param>
    public async Task<CreatedToken> CreateAsync(string name, string role, string? ownerKey, CancellationToken cancellationToken)
    {
        name = (TextInput.Check(name, "name", int.MaxValue) ?? "").Trim();
        if (name.Length is 0 or > 100)
        {
            throw new HubValidationException("name", "A token needs a name of 1 to 100 characters.");
        }
        if (!Roles.IsValid(role))
        {
            throw new HubValidationException("role", $"Role must be '{Roles.Admin}' or '{Roles.User}'.");
        }
        var secret = SecretPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var token = new ApiToken
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Role = role,
            SecretHash = Hash(secret),
            Prefix = secret[..(SecretPrefix.Length + 6)],
            CreatedAt = time.GetUtcNow(),
            OwnerKey = ownerKey,
        };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockTokensAsync(db, cancellationToken).ConfigureAwait(false);
        // Names are how people revoke tokens (`hub token revoke NAME`), so two live tokens never share one.
        var lower = name.ToLowerInvariant();
        if (await db.ApiTokens.AnyAsync(t => t.RevokedAt == null && t.Name.ToLower() == lower, cancellationToken).ConfigureAwait(false))
        {
            throw new HubConflictException("duplicate-name", $"A live token is already named '{name}'. Pick another name, or revoke that one first.");
        }
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new CreatedToken(token, secret);
    }

    /// <summary>The live token with this secret, or null. Records when it was last used (coarsely, to spare writes).</summary>
    public async Task<ApiToken?> ValidateAsync(string secret, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(secret) || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal) || secret.Length > 200)
        {
            return null;
        }
        var hash = Hash(secret);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(hash, out var hit) && now - hit.At < CacheFor)
        {
            return hit.Token;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var token = await db.ApiTokens.AsNoTracking().FirstOrDefaultAsync(t => t.SecretHash == hash, cancellationToken).ConfigureAwait(false);
        if (token is null || token.RevokedAt is not null)
        {
            _cache.TryRemove(hash, out _);
            return null;
        }
        if (token.LastUsedAt is null || now - token.LastUsedAt > LastUsedResolution)
        {
            await db.ApiTokens.Where(t => t.Id == token.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), cancellationToken).ConfigureAwait(false);
            token.LastUsedAt = now;
        }
        if (_cache.Count > 10_000)
        {
            _cache.Clear(); // a crude bound; tokens are few in practice
        }
        _cache[hash] = (token, now);
        return token;
    }

    public async Task<IReadOnlyList<ApiToken>> ListAsync(bool includeRevoked, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var q = db.ApiTokens.AsNoTracking();
        if (!includeRevoked)
        {
            q = q.Where(t => t.RevokedAt == null);
        }
        return await q.OrderBy(t => t.CreatedAt).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> AnyAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.ApiTokens.AnyAsync(cancellationToken).ConfigureAwait(false);
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, (bool Live, DateTimeOffset At)> _live = new();

    /// <summary>
    /// Whether the token exists and is not revoked: checked for each request on a signed link made with it, so cached
    /// like <see cref="ValidateAsync"/> (a revoke reaches every process at once through <see cref="CacheInvalidation"/>).
    /// </summary>
    public async ValueTask<bool> IsLiveAsync(Guid id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_live.TryGetValue(id, out var hit) && now - hit.At < CacheFor)
        {
            return hit.Live;
        }
        await using var cmd = dataSource.CreateCommand("SELECT revoked_at IS NULL FROM api_tokens WHERE id = $1");
        cmd.Parameters.AddWithValue(id);
        var live = await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
        if (_live.Count > 10_000)
        {
            _live.Clear();
        }
        _live[id] = (live, now);
        return live;
    }

    /// <summary>Revokes by id, or by name when the name is unique among live tokens.</summary>
    public async Task<ApiToken> RevokeAsync(string idOrName, CancellationToken cancellationToken)
    {
        TextInput.Check(idOrName, "token", 200);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockTokensAsync(db, cancellationToken).ConfigureAwait(false);
        List<ApiToken> matches = Guid.TryParse(idOrName, out var id)
            ? await db.ApiTokens.Where(t => t.Id == id).ToListAsync(cancellationToken).ConfigureAwait(false)
            : await db.ApiTokens.Where(t => t.Name == idOrName && t.RevokedAt == null).ToListAsync(cancellationToken).ConfigureAwait(false);
        var token = matches.Count switch
        {
            0 => throw new HubNotFoundException("token", $"No live token '{idOrName}'."),
            1 => matches[0],
            _ => throw new HubValidationException("token", $"{matches.Count} live tokens are named '{idOrName}'; revoke by id."),
        };
        if (token.RevokedAt is null && token.Role == Roles.Admin
            && !await db.ApiTokens.AnyAsync(t => t.RevokedAt == null && t.Role == Roles.Admin && t.Id != token.Id, cancellationToken).ConfigureAwait(false))
        {
            throw new HubConflictException("last-admin-token",
                $"'{token.Name}' is the last live admin token: revoking it would lock everyone out of the admin. " +
                "Create another admin token first (`hub token create --name NAME --role admin`, or POST /api/v1/tokens with role admin), then revoke this one.");
        }
        token.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        _cache.TryRemove(token.SecretHash, out _);
        _live.TryRemove(token.Id, out _);
        await CacheInvalidation.NotifyAsync(dataSource, CacheInvalidation.Token, token.Id, cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>Serialises token creation and revocation, so two at once cannot both pass the name and last-admin checks.</summary>
    private static Task LockTokensAsync(HubDbContext db, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('hub.api_tokens'))", cancellationToken);

    public static string Hash(string secret) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret))).ToLowerInvariant();

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
