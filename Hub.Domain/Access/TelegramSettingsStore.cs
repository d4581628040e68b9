using System.Text.Json;
using Hub.Domain.Engines;
using Hub.Domain.Imports;
using Hub.Domain.Libraries;
using Hub.Domain.Settings;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Access;

/// <summary>Stored in the settings table under one key, validated on write. Rows written before the rename are still read.</summary>
public sealed class TelegramSettingsStore(IDbContextFactory<HubDbContext> dbFactory, LibraryService libraries, TimeProvider time)
{
    public const string Key = "telegram";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<TelegramSettings> GetAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.Key == Key, cancellationToken).ConfigureAwait(false);
        return row is null ? TelegramSettings.Default : Read(row.Value);
    }

    /// <summary>Rewrites a row stored with the old "mode: preview|auto" as "confirm: on|off"; true when it did.</summary>
    public async Task<bool> UpgradeStoredAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Settings.FirstOrDefaultAsync(s => s.Key == Key, cancellationToken).ConfigureAwait(false);
        if (row is null || row.Value.RootElement.TryGetProperty("confirm", out _))
        {
            return false;
        }
        row.Value = JsonSerializer.SerializeToDocument(Read(row.Value), Json);
        row.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<TelegramSettings> UpdateAsync(TelegramSettingsPatch patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var current = await GetAsync(cancellationToken).ConfigureAwait(false);
        var library = current.DefaultLibrary;
        if (patch.DefaultLibrary is not null)
        {
            library = patch.DefaultLibrary.Trim().Length == 0 ? null
                : (await libraries.FindAsync(patch.DefaultLibrary, cancellationToken).ConfigureAwait(false)
                    ?? throw new HubValidationException("defaultLibrary", $"There is no library '{patch.DefaultLibrary}'.")).Slug;
        }
        var format = current.DefaultFormat;
        if (patch.DefaultFormat is not null)
        {
            format = patch.DefaultFormat.Trim().Length == 0 ? null
                : FormatPresets.IsValid(patch.DefaultFormat) ? patch.DefaultFormat
                : throw new HubValidationException("defaultFormat", $"Unknown format '{patch.DefaultFormat}'. Use one of: {string.Join(", ", FormatPresets.All)}.");
        }
        var confirm = patch.Confirm ?? (patch.Mode is null ? current.Confirm
            : BotConfirm.FromLegacyMode(patch.Mode) ?? throw new HubValidationException("mode", "mode is deprecated: use confirm 'on' or 'off'."));
        if (!BotConfirm.IsValid(confirm))
        {
            throw new HubValidationException("confirm", "confirm must be 'on' (the sender confirms library and format first) or 'off' (import at once).");
        }
        var delivery = patch.Delivery ?? current.Delivery;
        if (!BotDelivery.IsValid(delivery))
        {
            throw new HubValidationException("delivery", "delivery must be 'files' (send media into the chat when it fits) or 'links' (links only).");
        }
        var importMode = patch.ImportMode ?? current.ImportMode;
        if (!ImportModes.IsValid(importMode))
        {
            throw new HubValidationException("importMode", "importMode must be 'auto' (links import at once) or 'review' (they wait in the inbox for an admin).");
        }
        var updated = new TelegramSettings(library, format, confirm, delivery, importMode);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Settings.FirstOrDefaultAsync(s => s.Key == Key, cancellationToken).ConfigureAwait(false);
        var value = JsonSerializer.SerializeToDocument(updated, Json);
        if (row is null)
        {
            db.Settings.Add(new Setting { Key = Key, Value = value, UpdatedAt = time.GetUtcNow() });
        }
        else
        {
            row.Value = value;
            row.UpdatedAt = time.GetUtcNow();
        }
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return updated;
    }

    /// <summary>The stored JSON, new shape or old ("mode": "preview"|"auto").</summary>
    private static TelegramSettings Read(JsonDocument value)
    {
        var stored = value.Deserialize<StoredSettings>(Json);
        if (stored is null)
        {
            return TelegramSettings.Default;
        }
        var confirm = BotConfirm.IsValid(stored.Confirm) ? stored.Confirm! : BotConfirm.FromLegacyMode(stored.Mode) ?? TelegramSettings.Default.Confirm;
        return new TelegramSettings(stored.DefaultLibrary, stored.DefaultFormat, confirm,
            BotDelivery.IsValid(stored.Delivery) ? stored.Delivery! : TelegramSettings.Default.Delivery,
            ImportModes.IsValid(stored.ImportMode) ? stored.ImportMode! : TelegramSettings.Default.ImportMode);
    }

    private sealed record StoredSettings(string? DefaultLibrary, string? DefaultFormat, string? Confirm, string? Mode, string? Delivery, string? ImportMode);
}
