using System.Collections.Concurrent;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Hub.Domain.Access;

/// <summary>
/// The people allowed to use the bot and their roles. An unknown writer becomes pending until an admin allows them;
/// the last allowed admin can be neither demoted, blocked nor deleted, so nobody locks the bot out by mistake.
/// </summary>
public sealed class ContactService
{
    private readonly IDbContextFactory<HubDbContext> dbFactory;
    private readonly NpgsqlDataSource dataSource;
    private readonly TimeProvider time;

    public ContactService(IDbContextFactory<HubDbContext> dbFactory, NpgsqlDataSource dataSource, CacheInvalidation caches, TimeProvider time)
    {
        this.dbFactory = dbFactory;
        this.dataSource = dataSource;
        this.time = time;
        caches.InvalidatedNumber += (kind, telegramId) =>
        {
            if (kind is null) Forget(null);
            else if (kind == CacheInvalidation.Contact) Forget(telegramId);
        };
    }

    /// <summary>
    /// How long the contact gate trusts an allowed contact it has just read, and so how stale their last-seen time may
    /// be. Every bot update passes the gate, and one statement per update was the largest single cost of a busy bot.
    /// A change to a contact (block, role, settings, link) forgets them at once in this process and, through
    /// <see cref="CacheInvalidation"/>'s NOTIFY at commit, in every other one; this lifetime only bounds a notification
    /// that got lost (a lost LISTEN connection forgets everything when it comes back). Only allowed contacts are kept:
    /// pending and blocked ones are read every time.
    /// </summary>
    public static readonly TimeSpan GateCacheFor = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<long, (Contact Contact, TelegramIdentity Who, DateTimeOffset At)> _gate = new();
    // Bumped by every forget: a gate read that began before a forget must not store what it read (it may predate the change).
    private long _generation;

    /// <summary>Records that someone wrote: creates them as pending when unknown, refreshes names and last seen.</summary>
    /// <remarks>An allowed contact seen within <see cref="GateCacheFor"/> under the same names is answered from memory
    /// (the same <see cref="Contact"/> instance each time: read it, do not change it).</remarks>
    public async Task<ContactSeen> SeenAsync(TelegramIdentity who, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(who);
        ValidateId(who.Id);
        var now = time.GetUtcNow();
        if (_gate.TryGetValue(who.Id, out var hit) && now - hit.At < GateCacheFor && hit.Who == who)
        {
            return new ContactSeen(hit.Contact, false);
        }
        var generation = Interlocked.Read(ref _generation);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        // The usual uncached case (someone known) is one statement: refresh and read back. Only when nobody was there
        // does the insert-or-nothing follow (two updates from a new user at once must not both create them); the one
        // that lost that race refreshes the row the winner made.
        var known = await RefreshAsync(db, who, now, cancellationToken).ConfigureAwait(false);
        if (known is not null)
        {
            Remember(known, who, now, generation);
            return new ContactSeen(known, false);
        }
        var created = await db.Contacts.FromSql($"""
            INSERT INTO contacts (telegram_id, username, first_name, last_name, role, status, created_at, updated_at, last_seen_at)
            VALUES ({who.Id}, {who.Username}, {who.FirstName}, {who.LastName}, {Roles.User}, {ContactStatuses.Pending}, {now}, {now}, {now})
            ON CONFLICT (telegram_id) DO NOTHING
            RETURNING *
            """).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        return created.Count == 1
            ? new ContactSeen(created[0], true)
            : new ContactSeen(await RefreshAsync(db, who, now, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Contact {who.Id} vanished while being recorded."), false);
    }

    private void Remember(Contact contact, TelegramIdentity who, DateTimeOffset at, long generation)
    {
        if (contact.Status != ContactStatuses.Allowed)
        {
            return;
        }
        if (_gate.Count > 10_000)
        {
            _gate.Clear();
        }
        _gate[contact.TelegramId] = (contact, who, at);
        // Stored first, checked second: a forget that ran since the read either bumped the generation before this
        // check (so this removes it) or removes it itself after its bump.
        if (Interlocked.Read(ref _generation) != generation)
        {
            _gate.TryRemove(contact.TelegramId, out _);
        }
    }

    /// <summary>Drops one contact (or, with null, all) from the gate's memory in this process.</summary>
    private void Forget(long? telegramId)
    {
        Interlocked.Increment(ref _generation);
        if (telegramId is { } id)
        {
            _gate.TryRemove(id, out _);
        }
        else
        {
            _gate.Clear();
        }
    }

    /// <summary>
    /// After a committed change to a contact's row (anyone's code that writes it must call this): this process's gate
    /// forgets them now, every other process when the NOTIFY arrives.
    /// </summary>
    public async Task ChangedAsync(long telegramId, CancellationToken cancellationToken)
    {
        Forget(telegramId);
        await CacheInvalidation.NotifyAsync(dataSource, CacheInvalidation.Contact, telegramId, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Contact?> RefreshAsync(HubDbContext db, TelegramIdentity who, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await db.Contacts.FromSql($"""
            UPDATE contacts SET username = {who.Username}, first_name = {who.FirstName}, last_name = {who.LastName}, last_seen_at = {now}
            WHERE telegram_id = {who.Id}
            RETURNING *
            """).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    public async Task<Contact?> FindAsync(long telegramId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.TelegramId == telegramId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Contact> GetAsync(long telegramId, CancellationToken cancellationToken) =>
        await FindAsync(telegramId, cancellationToken).ConfigureAwait(false)
        ?? throw new HubNotFoundException("contact", $"No contact with Telegram id {telegramId}.");

    /// <summary>Contacts, admins first, then by name; optionally only one status.</summary>
    public async Task<IReadOnlyList<Contact>> ListAsync(string? status, CancellationToken cancellationToken)
    {
        if (status is not null && !ContactStatuses.IsValid(status))
        {
            throw new HubValidationException("status", $"Status must be one of: {string.Join(", ", ContactStatuses.All)}.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var q = db.Contacts.AsNoTracking();
        if (status is not null)
        {
            q = q.Where(c => c.Status == status);
        }
        var list = await q.ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. list.OrderBy(c => c.Role == Roles.Admin ? 0 : 1).ThenBy(c => c.Status).ThenBy(c => c.DisplayName, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>The admins who may act (allowed ones).</summary>
    public async Task<IReadOnlyList<Contact>> AdminsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Contacts.AsNoTracking().Where(c => c.Role == Roles.Admin && c.Status == ContactStatuses.Allowed)
            .OrderBy(c => c.TelegramId).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds someone by id before they write (or changes them if known), allowed by default.</summary>
    public async Task<Contact> AddAsync(long telegramId, string role, string status, CancellationToken cancellationToken)
    {
        ValidateId(telegramId);
        ValidateRole(role);
        ValidateStatus(status);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var contact = await db.Contacts.FirstOrDefaultAsync(c => c.TelegramId == telegramId, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (contact is null)
        {
            contact = new Contact { TelegramId = telegramId, CreatedAt = now };
            db.Contacts.Add(contact);
        }
        else
        {
            await EnsureNotLastAdminAsync(db, contact, role, status, cancellationToken).ConfigureAwait(false);
        }
        contact.Role = role;
        contact.Status = status;
        contact.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await ChangedAsync(telegramId, cancellationToken).ConfigureAwait(false);
        return contact;
    }

    /// <summary>Makes sure each configured admin id exists as an allowed admin (configuration is the way in).</summary>
    public async Task SeedAdminsAsync(IEnumerable<long> adminIds, CancellationToken cancellationToken)
    {
        foreach (var id in adminIds.Distinct())
        {
            await AddAsync(id, Roles.Admin, ContactStatuses.Allowed, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<Contact> SetRoleAsync(long telegramId, string role, CancellationToken cancellationToken) =>
        ChangeAsync(telegramId, role, null, cancellationToken);

    public Task<Contact> SetStatusAsync(long telegramId, string status, CancellationToken cancellationToken) =>
        ChangeAsync(telegramId, null, status, cancellationToken);

    public Task<Contact> AllowAsync(long telegramId, CancellationToken cancellationToken) =>
        ChangeAsync(telegramId, null, ContactStatuses.Allowed, cancellationToken);

    public Task<Contact> BlockAsync(long telegramId, CancellationToken cancellationToken) =>
        ChangeAsync(telegramId, null, ContactStatuses.Blocked, cancellationToken);

    public async Task DeleteAsync(long telegramId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var contact = await db.Contacts.FirstOrDefaultAsync(c => c.TelegramId == telegramId, cancellationToken).ConfigureAwait(false)
            ?? throw new HubNotFoundException("contact", $"No contact with Telegram id {telegramId}.");
        await EnsureNotLastAdminAsync(db, contact, Roles.User, ContactStatuses.Blocked, cancellationToken).ConfigureAwait(false);
        db.Contacts.Remove(contact);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await ChangedAsync(telegramId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Contact> ChangeAsync(long telegramId, string? role, string? status, CancellationToken cancellationToken)
    {
        if (role is not null)
        {
            ValidateRole(role);
        }
        if (status is not null)
        {
            ValidateStatus(status);
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var contact = await db.Contacts.FirstOrDefaultAsync(c => c.TelegramId == telegramId, cancellationToken).ConfigureAwait(false)
            ?? throw new HubNotFoundException("contact", $"No contact with Telegram id {telegramId}.");
        await EnsureNotLastAdminAsync(db, contact, role ?? contact.Role, status ?? contact.Status, cancellationToken).ConfigureAwait(false);
        contact.Role = role ?? contact.Role;
        contact.Status = status ?? contact.Status;
        contact.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await ChangedAsync(telegramId, cancellationToken).ConfigureAwait(false);
        return contact;
    }

    private static async Task EnsureNotLastAdminAsync(HubDbContext db, Contact contact, string newRole, string newStatus, CancellationToken cancellationToken)
    {
        var staysAdmin = newRole == Roles.Admin && newStatus == ContactStatuses.Allowed;
        if (!contact.IsAdmin || staysAdmin)
        {
            return;
        }
        var others = await db.Contacts.CountAsync(c => c.TelegramId != contact.TelegramId && c.Role == Roles.Admin && c.Status == ContactStatuses.Allowed,
            cancellationToken).ConfigureAwait(false);
        if (others == 0)
        {
            throw new HubConflictException("last-admin", "This is the last admin of the bot; make someone else admin first.");
        }
    }

    private static void ValidateId(long id)
    {
        if (id <= 0)
        {
            throw new HubValidationException("id", "A Telegram user id is a positive number.");
        }
    }

    private static void ValidateRole(string role)
    {
        if (!Roles.IsValid(role))
        {
            throw new HubValidationException("role", $"Role must be '{Roles.Admin}' or '{Roles.User}'.");
        }
    }

    private static void ValidateStatus(string status)
    {
        if (!ContactStatuses.IsValid(status))
        {
            throw new HubValidationException("status", $"Status must be one of: {string.Join(", ", ContactStatuses.All)}.");
        }
    }
}
