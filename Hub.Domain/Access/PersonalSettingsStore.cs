using Hub.Domain.Engines;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Access;

/// <summary>What applies to one person: their own choices where they made one, the admin's global defaults elsewhere.</summary>
/// <param name="Own">Which of format, confirm and delivery the person chose themselves (the rest follow the defaults).</param>
/// <param name="ImportMode">The admin's setting for everyone (see <see cref="TelegramSettings.ImportModeFor"/> for one sender).</param>
public sealed record PersonalSettings(string? DefaultLibrary, string? DefaultFormat, string Confirm, string Delivery, bool AdminNotices,
    IReadOnlySet<string> Own, string ImportMode = Imports.ImportModes.Auto, bool FollowNotices = true)
{
    public bool ConfirmFirst => Confirm == BotConfirm.On;
    public bool SendFiles => Delivery == BotDelivery.Files;
}

/// <summary>A change to one person's settings: null leaves a value, "" goes back to the global default.</summary>
public sealed record PersonalSettingsPatch(string? DefaultFormat = null, string? Confirm = null, string? Delivery = null, bool? AdminNotices = null,
    bool? FollowNotices = null);

/// <summary>Each contact's own bot settings (format, confirm, files or links; admins: notices), stored on the contact row.</summary>
public sealed class PersonalSettingsStore(IDbContextFactory<HubDbContext> dbFactory, TelegramSettingsStore globals, ContactService contacts)
{
    public async Task<PersonalSettings> GetAsync(long telegramId, CancellationToken cancellationToken)
    {
        var global = await globals.GetAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.TelegramId == telegramId, cancellationToken).ConfigureAwait(false);
        return Resolve(global, contact);
    }

    public static PersonalSettings Resolve(TelegramSettings global, Contact? contact)
    {
        var own = new HashSet<string>(StringComparer.Ordinal);
        if (contact?.DefaultFormat is not null) own.Add("format");
        if (contact?.Confirm is not null) own.Add("confirm");
        if (contact?.Delivery is not null) own.Add("delivery");
        return new PersonalSettings(global.DefaultLibrary, contact?.DefaultFormat ?? global.DefaultFormat, contact?.Confirm ?? global.Confirm,
            contact?.Delivery ?? global.Delivery, contact is { IsAdmin: true, AdminNotices: true }, own, global.ImportMode,
            contact?.FollowNotices ?? true);
    }

    /// <exception cref="HubNotFoundException">No such contact.</exception>
    public async Task<PersonalSettings> UpdateAsync(long telegramId, PersonalSettingsPatch patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            var contact = await db.Contacts.FirstOrDefaultAsync(c => c.TelegramId == telegramId, cancellationToken).ConfigureAwait(false)
                ?? throw new HubNotFoundException("contact", "There is no such contact.");
            if (patch.DefaultFormat is { } format)
            {
                contact.DefaultFormat = format.Length == 0 ? null : FormatPresets.IsValid(format) ? format
                    : throw new HubValidationException("defaultFormat", $"Unknown format '{format}'. Use one of: {string.Join(", ", FormatPresets.All)}.");
            }
            if (patch.Confirm is { } confirm)
            {
                contact.Confirm = confirm.Length == 0 ? null : BotConfirm.IsValid(confirm) ? confirm
                    : throw new HubValidationException("confirm", "confirm must be 'on' or 'off'.");
            }
            if (patch.Delivery is { } delivery)
            {
                contact.Delivery = delivery.Length == 0 ? null : BotDelivery.IsValid(delivery) ? delivery
                    : throw new HubValidationException("delivery", "delivery must be 'files' or 'links'.");
            }
            if (patch.AdminNotices is { } notices)
            {
                contact.AdminNotices = notices;
            }
            if (patch.FollowNotices is { } follow)
            {
                contact.FollowNotices = follow;
            }
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        await contacts.ChangedAsync(telegramId, cancellationToken).ConfigureAwait(false);
        return await GetAsync(telegramId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The admins who asked to hear about work waiting for them.</summary>
    public async Task<IReadOnlyList<long>> NoticeAdminsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Contacts.AsNoTracking()
            .Where(c => c.AdminNotices && c.Role == Roles.Admin && c.Status == ContactStatuses.Allowed)
            .Select(c => c.TelegramId).ToListAsync(cancellationToken).ConfigureAwait(false);
    }
}
