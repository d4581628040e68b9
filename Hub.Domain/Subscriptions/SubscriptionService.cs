using Hub.Domain.Access;
using Hub.Domain.Engines;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Subscriptions;

/// <summary>
/// Subscriptions for every door: create, list, change (pause/resume), delete, and "check now". Anyone who may import may
/// subscribe; a subscription is its creator's (and every admin's): others get "not found", as with jobs.
/// </summary>
public sealed class SubscriptionService(IDbContextFactory<HubDbContext> dbFactory, ImportService imports, LibraryService libraries, JobQueue queue,
    TimeProvider time)
{
    public const int DefaultIntervalMinutes = 60;
    public const int MinIntervalMinutes = 5;
    public const int MaxIntervalMinutes = 7 * 24 * 60;
    public const int DefaultMaxPerCheck = 10;
    public const int MaxMaxPerCheck = 500;
    public const int MaxStartCount = 1000;
    public const int MaxPerOwner = 200;

    public async Task<IReadOnlyList<Subscription>> ListAsync(Requester requester, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var q = db.Subscriptions.AsNoTracking();
        if (!requester.IsAdmin)
        {
            q = q.Where(s => s.CreatedBy == requester.Key || (requester.LinkedTo != null && s.CreatedBy == requester.LinkedTo));
        }
        return await q.OrderBy(s => s.CreatedAt).ToListAsync(ct).ConfigureAwait(false);
    }

    public async Task<Subscription> GetAsync(Requester requester, Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var sub = await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct).ConfigureAwait(false);
        return sub is not null && JobAccess.CanSee(requester, sub.CreatedBy) ? sub : throw NotFound(id);
    }

    public async Task<Subscription> CreateAsync(Requester requester, string door, SubscriptionInput input, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.Url))
        {
            throw new HubValidationException("url", "Give the URL of a channel, playlist or feed to follow.");
        }
        TextInput.Check(input.Url, "url", 4000);
        var url = (await imports.CheckUrlAsync(input.Url.Trim(), ct).ConfigureAwait(false)).AbsoluteUri;
        var now = time.GetUtcNow();
        var sub = new Subscription
        {
            Id = Guid.CreateVersion7(),
            Name = CleanName(input.Name) ?? url,
            Url = url,
            Door = Doors.All.Contains(door) ? door : throw new HubValidationException("door", $"Unknown door '{door}'."),
            CreatedBy = requester.Key,
            CreatedAt = now,
            UpdatedAt = now,
            NextCheckAt = now, // the first check (which only remembers what exists, by default) runs at the next tick
            IntervalMinutes = DefaultIntervalMinutes,
            MaxPerCheck = DefaultMaxPerCheck,
        };
        ApplyStart(sub, input.Start);
        await ApplyAsync(sub, input, ct).ConfigureAwait(false);
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        if (await db.Subscriptions.CountAsync(s => s.CreatedBy == requester.Key, ct).ConfigureAwait(false) >= MaxPerOwner)
        {
            throw new HubConflictException("too-many-subscriptions", $"One person keeps at most {MaxPerOwner} subscriptions; remove one first.");
        }
        if (await db.Subscriptions.AnyAsync(s => s.Url == url && s.CreatedBy == requester.Key, ct).ConfigureAwait(false))
        {
            throw new HubConflictException("already-subscribed", "You already follow this URL.");
        }
        db.Subscriptions.Add(sub);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return sub;
    }

    public async Task<Subscription> UpdateAsync(Requester requester, Guid id, SubscriptionInput input, CancellationToken ct)
    {
        if (input.Url is not null || input.Start is not null)
        {
            throw new HubValidationException(input.Url is not null ? "url" : "start", "The URL and the start are fixed; subscribe again to change them.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var sub = await db.Subscriptions.FirstOrDefaultAsync(s => s.Id == id, ct).ConfigureAwait(false);
        if (sub is null || !JobAccess.CanSee(requester, sub.CreatedBy))
        {
            throw NotFound(id);
        }
        var wasPaused = sub.Paused;
        var interval = sub.IntervalMinutes;
        await ApplyAsync(sub, input, ct).ConfigureAwait(false);
        if (input.Name is not null)
        {
            sub.Name = CleanName(input.Name) ?? throw new HubValidationException("name", "The name cannot be empty.");
        }
        var now = time.GetUtcNow();
        if (wasPaused && !sub.Paused)
        {
            // Resuming checks soon and forgets the back-off: the person has looked at it.
            sub.NextCheckAt = now;
            sub.ConsecutiveFailures = 0;
        }
        else if (interval != sub.IntervalMinutes && sub.LastCheckAt is { } last)
        {
            sub.NextCheckAt = last.AddMinutes(sub.IntervalMinutes) < now ? now : last.AddMinutes(sub.IntervalMinutes);
        }
        sub.UpdatedAt = now;
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return sub;
    }

    /// <summary>Deletes the subscription and its memory of items; what it imported stays in the library.</summary>
    public async Task DeleteAsync(Requester requester, Guid id, CancellationToken ct)
    {
        await GetAsync(requester, id, ct).ConfigureAwait(false);
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        await db.Subscriptions.Where(s => s.Id == id).ExecuteDeleteAsync(ct).ConfigureAwait(false);
    }

    /// <summary>"Check now": a check job at once (one per subscription and minute, however often it is asked), paused or not.</summary>
    public async Task<Job> CheckNowAsync(Requester requester, Guid id, CancellationToken ct)
    {
        var sub = await GetAsync(requester, id, ct).ConfigureAwait(false);
        var minute = time.GetUtcNow().ToString("yyyyMMdd'T'HHmm", System.Globalization.CultureInfo.InvariantCulture);
        return await queue.EnqueueAsync(SubscriptionCheckHandler.Spec(sub, $"now:{minute}"), ct).ConfigureAwait(false);
    }

    private async Task ApplyAsync(Subscription sub, SubscriptionInput input, CancellationToken ct)
    {
        if (input.Library is not null)
        {
            sub.LibraryId = string.IsNullOrWhiteSpace(input.Library) ? null
                : (await libraries.FindAsync(input.Library, ct).ConfigureAwait(false) ?? throw new HubValidationException("library", $"There is no library '{input.Library}'.")).Id;
        }
        if (input.Format is not null)
        {
            sub.Format = input.Format.Length == 0 ? null
                : FormatPresets.IsValid(input.Format) ? input.Format
                : throw new HubValidationException("format", $"Unknown format '{input.Format}'. Use one of: {string.Join(", ", FormatPresets.All)}.");
        }
        if (input.Mode is not null)
        {
            sub.Mode = ImportModes.IsValid(input.Mode) ? input.Mode : throw new HubValidationException("mode", "Mode must be 'auto' or 'review'.");
        }
        if (input.IntervalMinutes is { } interval)
        {
            sub.IntervalMinutes = interval is >= MinIntervalMinutes and <= MaxIntervalMinutes ? interval
                : throw new HubValidationException("intervalMinutes", $"Check every {MinIntervalMinutes} to {MaxIntervalMinutes} minutes.");
        }
        if (input.MaxPerCheck is { } max)
        {
            sub.MaxPerCheck = max is >= 1 and <= MaxMaxPerCheck ? max : throw new HubValidationException("maxPerCheck", $"Import 1 to {MaxMaxPerCheck} items per check.");
        }
        if (input.Filters is { } f)
        {
            sub.Filters = CheckFilters(f);
        }
        if (input.Retention is { } r)
        {
            if (r.KeepLast is < 0 || r.KeepDays is < 0)
            {
                throw new HubValidationException("retention", "Retention counts cannot be negative.");
            }
            if (r.KeepLast is not null) sub.KeepLast = r.KeepLast == 0 ? null : r.KeepLast;
            if (r.KeepDays is not null) sub.KeepDays = r.KeepDays == 0 ? null : r.KeepDays;
        }
        if (input.MediaServerFiles is { } mediaServerFiles)
        {
            sub.MediaServerFiles = MediaServerSetting.Parse(mediaServerFiles);
        }
        if (input.Paused is { } paused)
        {
            sub.Paused = paused;
        }
    }

    private static void ApplyStart(Subscription sub, StartInput? start)
    {
        sub.StartFrom = start?.From?.ToLowerInvariant() ?? SubscriptionStart.Now;
        switch (sub.StartFrom)
        {
            case SubscriptionStart.Now:
                break;
            case SubscriptionStart.Date:
                sub.StartDate = start!.Date ?? throw new HubValidationException("start.date", "Starting from a date needs the date.");
                break;
            case SubscriptionStart.Last:
                sub.StartCount = start!.Count is >= 1 and <= MaxStartCount ? start.Count
                    : throw new HubValidationException("start.count", $"Starting from the last items needs a count from 1 to {MaxStartCount}.");
                break;
            default:
                throw new HubValidationException("start.from", "Start from 'now', 'date' or 'last'.");
        }
    }

    private static SubscriptionFilters CheckFilters(SubscriptionFilters f)
    {
        static IReadOnlyList<string> Words(IReadOnlyList<string>? words, string field)
        {
            var list = (words ?? []).Select(w => w?.Trim() ?? "").Where(w => w.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (list.Count > 50)
            {
                throw new HubValidationException(field, "At most 50 words.");
            }
            return TextInput.Check(list, field, 200) ?? [];
        }
        if (f.MinDurationSeconds is < 0 || f.MaxDurationSeconds is < 0 || (f.MinDurationSeconds is { } min && f.MaxDurationSeconds is { } max && min > max))
        {
            throw new HubValidationException("filters", "Durations must be positive, and the minimum no more than the maximum.");
        }
        return f with { Include = Words(f.Include, "filters.include"), Exclude = Words(f.Exclude, "filters.exclude") };
    }

    private static string? CleanName(string? name)
    {
        var line = name?.Split('\n', 2)[0].Trim();
        if (string.IsNullOrEmpty(line)) return null;
        TextInput.Check(line, "name", 200);
        return line;
    }

    private static HubNotFoundException NotFound(Guid id) => new("subscription", $"No subscription {id}.");
}
