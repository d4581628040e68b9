using System.Text.Json;
using Hub.Domain.Settings;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Notifications;

/// <summary>The <c>Hub:Notifications</c> section.</summary>
public sealed class NotificationOptions
{
    /// <summary>
    /// A disk holding the media, data or temp folder with less free space than this sends <c>disk.low</c> (0 turns the
    /// check off). Default 2 GiB.
    /// </summary>
    public long DiskLowBytes { get; set; } = 2L * 1024 * 1024 * 1024;
}

/// <summary>
/// Checked by housekeeping: tells webhook targets that hear <see cref="WebhookEvents.DiskLow"/> when a disk Hub writes to
/// runs low, once per episode: the disks already reported are remembered in the settings table (so neither the next tick
/// nor another process repeats it), and a disk is reported again only after it had recovered (10 % above the threshold,
/// so space hovering around it does not send one every hour).
/// </summary>
public sealed class DiskSpaceWatch(IDbContextFactory<HubDbContext> dbFactory, WebhookService webhooks, IOptions<HubOptions> options, TimeProvider time,
    ILogger<DiskSpaceWatch> logger)
{
    private const string SettingKey = "notifications.disk_low";

    /// <summary>The mount points reported low this time (empty when none newly went low).</summary>
    public Task<IReadOnlyList<string>> CheckAsync(CancellationToken ct) => CheckAsync(options.Value.Notifications.DiskLowBytes, ct);

    public async Task<IReadOnlyList<string>> CheckAsync(long threshold, CancellationToken ct)
    {
        if (threshold <= 0)
        {
            return [];
        }
        var o = options.Value;
        var drives = new Dictionary<string, (DriveInfo Drive, string Folder)>();
        foreach (var folder in new[] { o.FullMediaDir, o.FullDataDir, o.FullTempDir })
        {
            if (DriveOf(folder) is { } d) drives.TryAdd(d.Name, (d, folder));
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        await using var tx = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('hub.disk_low'))", ct).ConfigureAwait(false);
        var setting = await db.Settings.FirstOrDefaultAsync(s => s.Key == SettingKey, ct).ConfigureAwait(false);
        var reported = setting?.Value.RootElement.TryGetProperty("drives", out var list) == true
            ? list.EnumerateArray().Select(e => e.GetString()!).ToHashSet() : [];
        var stillLow = new HashSet<string>();
        var newlyLow = new List<(DriveInfo Drive, string Folder)>();
        foreach (var (name, (drive, folder)) in drives)
        {
            var free = drive.AvailableFreeSpace;
            if (free < threshold)
            {
                stillLow.Add(name);
                if (!reported.Contains(name)) newlyLow.Add((drive, folder));
            }
            else if (reported.Contains(name) && free < threshold + threshold / 10)
            {
                stillLow.Add(name); // not recovered enough to be reported again
            }
        }
        if (!stillLow.SetEquals(reported))
        {
            var value = JsonSerializer.SerializeToDocument(new { drives = stillLow.Order().ToArray() });
            if (setting is null) db.Settings.Add(new Setting { Key = SettingKey, Value = value, UpdatedAt = time.GetUtcNow() });
            else { setting.Value = value; setting.UpdatedAt = time.GetUtcNow(); }
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }
        if (newlyLow.Count > 0)
        {
            var targets = (await webhooks.ListAsync(ct).ConfigureAwait(false)).Where(w => w.Enabled && w.Events.Contains(WebhookEvents.DiskLow)).ToList();
            foreach (var (drive, folder) in newlyLow)
            {
                logger.LogWarning("Disk space low on {Drive}: {Free} bytes free (threshold {Threshold})", drive.Name, drive.AvailableFreeSpace, threshold);
                var message = new WebhookMessage(WebhookEvents.DiskLow, time.GetUtcNow(), new WebhookJob(Guid.Empty, Maintenance.MaintenanceHandler.Kind, "failed",
                    $"{drive.Name} has {Gb(drive.AvailableFreeSpace)} free of {Gb(drive.TotalSize)}", folder,
                    $"Less than {Gb(threshold)} free on the disk holding {folder}; imports will fail when it is full.", "disk-low", "system", null, false), null);
                foreach (var hook in targets)
                {
                    await webhooks.EnqueueAsync(hook, message, null, ct).ConfigureAwait(false);
                }
            }
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return [.. newlyLow.Select(n => n.Drive.Name)];
    }

    private static string Gb(long bytes) => $"{bytes / 1073741824.0:0.##} GB";

    /// <summary>The file system of <paramref name="folder"/> (or of its nearest existing parent); null when it cannot be read.</summary>
    /// <summary>The disk holding <paramref name="folder"/> (or its nearest existing parent); null when it cannot be read.</summary>
    public static DriveInfo? DriveOf(string folder)
    {
        var probe = folder;
        while (!Directory.Exists(probe) && Path.GetDirectoryName(probe) is { } parent) probe = parent;
        try
        {
            // The mount point holding it (the longest that is a prefix), so folders on one disk are one disk.
            var full = Path.GetFullPath(probe).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            var mount = DriveInfo.GetDrives()
                .Where(d => full.StartsWith(d.Name.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                .MaxBy(d => d.Name.Length);
            var drive = mount ?? new DriveInfo(probe);
            return drive.IsReady ? drive : null;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
