using System.Text.Json;
using Hub.Domain.Engines;
using Hub.Domain.Libraries;
using Hub.Domain.Settings;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Access;

/// <summary>Stored in the settings table under one key, validated on write.</summary>
public sealed class TelegramSettingsStore(IDbContextFactory<HubDbContext> dbFactory, LibraryService libraries, TimeProvider time)
{
    public const string Key = "telegram";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<TelegramSettings> GetAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.Key == Key, cancellationToken).ConfigureAwait(false);
        return row is null ? TelegramSettings.Default : row.Value.Deserialize<TelegramSettings>(Json) ?? TelegramSettings.Default;
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
        var mode = patch.Mode ?? current.Mode;
        if (!BotModes.IsValid(mode))
        {
            throw new HubValidationException("mode", "Mode must be 'preview' or 'auto'.");
        }
        var updated = new TelegramSettings(library, format, mode);
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
}
