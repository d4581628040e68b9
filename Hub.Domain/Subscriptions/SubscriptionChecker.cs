using System.Security.Cryptography;
using System.Text;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Hub.Domain.Subscriptions;

/// <summary>What one check did.</summary>
public sealed record CheckOutcome(Guid SubscriptionId, int Listed, int New, int Imported, int Skipped, int Baseline, int Removed, string? Error)
{
    public string Summary => Error ?? $"{Listed} listed, {New} new: {Imported} imported, {Skipped} skipped, {Baseline} remembered" + (Removed > 0 ? $", {Removed} removed by retention" : "");
}

/// <summary>
/// One check: list the source, decide (<see cref="CheckPlanner"/>), remember every new item in <c>subscription_items</c>
/// and start imports for the ones to take. The row insert is the claim: of two checks running at once, only the one
/// whose insert created an item's row counts it, and import jobs carry an idempotency key per item, so an item is
/// imported once however many checks (or retries after a crash) see it.
/// </summary>
public sealed class SubscriptionChecker(
    IDbContextFactory<HubDbContext> dbFactory,
    NpgsqlDataSource dataSource,
    SourceReader reader,
    ImportService imports,
    JobQueue queue,
    SubscriptionRetention retention,
    SubscriptionEvents events,
    TimeProvider time,
    ILogger<SubscriptionChecker> logger)
{
    /// <summary>The longest a failing subscription waits between checks.</summary>
    public static readonly TimeSpan MaxBackOff = TimeSpan.FromHours(24);

    public async Task<CheckOutcome> CheckAsync(Guid subscriptionId, Guid? checkJobId, CancellationToken ct)
    {
        Subscription? sub;
        await using (var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false))
        {
            sub = await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == subscriptionId, ct).ConfigureAwait(false);
        }
        if (sub is null)
        {
            return new CheckOutcome(subscriptionId, 0, 0, 0, 0, 0, 0, null); // deleted since the check was queued
        }

        SourceReader.Listing listing;
        try
        {
            listing = await reader.ReadAsync(sub.Url, sub.SourceKind, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ImportFailedException or HubException or HttpRequestException or IOException)
        {
            var error = ex.Message;
            var failures = await RecordFailureAsync(sub, error, ct).ConfigureAwait(false);
            logger.LogWarning("Subscription {Name} failed ({Failures} in a row): {Error}", sub.Name, failures, error);
            await events.FailingAsync(sub, error, failures, checkJobId, ct).ConfigureAwait(false);
            return new CheckOutcome(sub.Id, 0, 0, 0, 0, 0, 0, error);
        }

        var items = listing.Items;
        var keys = items.Select(i => i.Key).Distinct().ToArray();
        var seen = await SeenAsync(sub.Id, keys, ct).ConfigureAwait(false);
        var unseenUrls = items.Where(i => !seen.Contains(i.Key)).Select(i => i.Url).Distinct().ToList();
        var inLibrary = await InLibraryAsync(unseenUrls, ct).ConfigureAwait(false);
        // The first check that could list the source (failed checks before it saw nothing) is where "start" applies.
        var plan = CheckPlanner.Plan(sub, items, seen, inLibrary, firstCheck: sub.SourceKind is null);

        var claimed = await ClaimAsync(sub.Id, plan, ct).ConfigureAwait(false);
        var toImport = await PendingImportsAsync(sub.Id, ct).ConfigureAwait(false);
        var started = await StartImportsAsync(sub, toImport, ct).ConfigureAwait(false);

        var imported = claimed.Count(c => c == ItemDecisions.Imported);
        var baseline = claimed.Count(c => c == ItemDecisions.Baseline);
        var skipped = claimed.Count - imported - baseline;
        await RecordSuccessAsync(sub, listing, claimed.Count, imported, skipped, ct).ConfigureAwait(false);
        if (sub.Name == sub.Url && listing.Title?.Trim() is { Length: > 0 } named)
        {
            sub.Name = named.Length > 200 ? named[..200] : named; // as just stored: the notices below name the source, not its URL
        }
        var removed = sub.KeepLast is null && sub.KeepDays is null ? 0 : await retention.ApplyAsync(sub, ct).ConfigureAwait(false);
        if (imported > 0)
        {
            await events.FoundAsync(sub, imported, checkJobId, ct).ConfigureAwait(false);
        }
        logger.LogDebug("Subscription {Name}: {Listed} listed, {New} new, {Started} import jobs", sub.Name, items.Count, claimed.Count, started);
        return new CheckOutcome(sub.Id, items.Count, claimed.Count, imported, skipped, baseline, removed, null);
    }

    private async Task<HashSet<string>> SeenAsync(Guid id, string[] keys, CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (keys.Length == 0) return seen;
        await using var cmd = dataSource.CreateCommand("SELECT item_key FROM subscription_items WHERE subscription_id = $1 AND item_key = ANY($2)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = keys });
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false)) seen.Add(r.GetString(0));
        return seen;
    }

    /// <summary>Which of these URLs the library already holds (by normalised URL; the import itself also checks platform ids and content).</summary>
    private async Task<HashSet<string>> InLibraryAsync(IReadOnlyList<string> urls, CancellationToken ct)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (urls.Count == 0) return found;
        var byNormal = urls.GroupBy(u => ImportService.Normalize(u) ?? u).ToDictionary(g => g.Key, g => g.ToList());
        await using var cmd = dataSource.CreateCommand("SELECT DISTINCT normalized_url FROM entries WHERE normalized_url = ANY($1)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = byNormal.Keys.ToArray() });
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            if (byNormal.TryGetValue(r.GetString(0), out var originals)) found.UnionWith(originals);
        }
        return found;
    }

    /// <summary>Inserts the planned rows; returns the decisions of the rows this call created (not those another check made first).</summary>
    private async Task<List<string>> ClaimAsync(Guid id, IReadOnlyList<PlannedItem> plan, CancellationToken ct)
    {
        var claimed = new List<string>();
        if (plan.Count == 0) return claimed;
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO subscription_items (subscription_id, item_key, url, title, published_at, decision)
            SELECT $1, k, u, t, p, d FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[]) AS x(k, u, t, p, d)
            ON CONFLICT (subscription_id, item_key) DO NOTHING
            RETURNING decision
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = plan.Select(p => p.Item.Key).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = plan.Select(p => p.Item.Url).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = plan.Select(p => p.Item.Title).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
            Value = plan.Select(p => p.Item.PublishedAt is { } at ? (object)at.UtcDateTime : DBNull.Value).ToArray(),
        });
        cmd.Parameters.Add(new NpgsqlParameter { Value = plan.Select(p => p.Decision).ToArray() });
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false)) claimed.Add(r.GetString(0));
        return claimed;
    }

    private sealed record Pending(string Key, string Url, string? Title);

    /// <summary>Items to import that have no job yet: this check's, and any a crashed check claimed but never started.</summary>
    private async Task<List<Pending>> PendingImportsAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT item_key, url, title FROM subscription_items WHERE subscription_id = $1 AND decision = 'imported' AND job_id IS NULL ORDER BY seen_at LIMIT 1000");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        var list = new List<Pending>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false)) list.Add(new Pending(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
        return list;
    }

    private async Task<int> StartImportsAsync(Subscription sub, List<Pending> pending, CancellationToken ct)
    {
        if (pending.Count == 0) return 0;
        var specs = new List<NewJob>();
        var keys = new List<string>();
        var refused = new List<string>();
        foreach (var item in pending)
        {
            try
            {
                var spec = await imports.PrepareAsync(new ImportRequest
                {
                    Url = item.Url,
                    Title = item.Title, // the feed's name for it (a podcast episode's title) rather than the file's
                    Library = sub.LibraryId?.ToString(),
                    Format = sub.Format,
                    Mode = sub.Mode,
                    Door = sub.Door,
                    RequestedBy = sub.CreatedBy,
                    Subscription = new SubscriptionRef(sub.Id, sub.Name),
                }, ct).ConfigureAwait(false);
                specs.Add(spec with { Title = item.Title ?? spec.Title, IdempotencyKey = ImportKey(sub.Id, item.Key) });
                keys.Add(item.Key);
            }
            catch (Exception ex) when (ex is HubValidationException or ImportFailedException { Transient: false })
            {
                // One item Hub will never import (a link into a private network, a scheme it does not fetch) is skipped
                // for good; the rest of the source goes on.
                logger.LogInformation("Subscription {Name} skips {Url}: {Error}", sub.Name, item.Url, ex.Message);
                refused.Add(item.Key);
            }
            catch (ImportFailedException ex)
            {
                // A passing failure (its host's name did not resolve just now): the item stays pending for the next check.
                logger.LogInformation("Subscription {Name} leaves {Url} for the next check: {Error}", sub.Name, item.Url, ex.Message);
            }
        }
        var jobs = specs.Count == 0 ? [] : await queue.EnqueueManyAsync(specs, ct).ConfigureAwait(false);
        await using var cmd = dataSource.CreateCommand("""
            UPDATE subscription_items s SET job_id = x.j, decision = CASE WHEN x.j IS NULL THEN 'refused' ELSE s.decision END
            FROM unnest($2::text[], $3::uuid[]) AS x(k, j)
            WHERE s.subscription_id = $1 AND s.item_key = x.k
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = sub.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = keys.Concat(refused).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid,
            Value = jobs.Select(j => (object)j.Id).Concat(refused.Select(_ => (object)DBNull.Value)).ToArray(),
        });
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return jobs.Count;
    }

    /// <summary>One import job per (subscription, item), ever: the queue's idempotency key.</summary>
    public static string ImportKey(Guid subscriptionId, string itemKey) =>
        $"subscription-item:{subscriptionId:N}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(itemKey)))[..32]}";

    private async Task RecordSuccessAsync(Subscription sub, SourceReader.Listing listing, int found, int imported, int skipped, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var cmd = dataSource.CreateCommand("""
            UPDATE subscriptions SET last_check_at = $2, next_check_at = $3, checks = checks + 1, items_found = items_found + $4,
                items_imported = items_imported + $5, items_skipped = items_skipped + $6, last_error = NULL, consecutive_failures = 0,
                source_kind = $7, name = CASE WHEN name = url AND $8::text IS NOT NULL THEN left($8, 200) ELSE name END
            WHERE id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = sub.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = now });
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.AddMinutes(sub.IntervalMinutes) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = found });
        cmd.Parameters.Add(new NpgsqlParameter { Value = imported });
        cmd.Parameters.Add(new NpgsqlParameter { Value = skipped });
        cmd.Parameters.Add(new NpgsqlParameter { Value = listing.Kind });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)listing.Title?.Trim() ?? DBNull.Value });
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Records the error and pushes the next check back: the interval doubled per failure in a row, at most a day.</summary>
    private async Task<int> RecordFailureAsync(Subscription sub, string error, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            UPDATE subscriptions SET last_check_at = $2, checks = checks + 1, last_error = $3, consecutive_failures = consecutive_failures + 1,
                next_check_at = $2 + least($4 * power(2, least(consecutive_failures + 1, 20)), $5) * interval '1 second'
            WHERE id = $1
            RETURNING consecutive_failures
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = sub.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = error.Length > 2000 ? error[..2000] : error });
        cmd.Parameters.Add(new NpgsqlParameter { Value = sub.IntervalMinutes * 60.0 });
        cmd.Parameters.Add(new NpgsqlParameter { Value = MaxBackOff.TotalSeconds });
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is int n ? n : 0;
    }

    /// <summary>When a subscription that has failed <paramref name="failures"/> times in a row checks next, after <paramref name="now"/>.</summary>
    public static DateTimeOffset NextAfterFailure(DateTimeOffset now, int intervalMinutes, int failures) =>
        now + TimeSpan.FromSeconds(Math.Min(intervalMinutes * 60.0 * Math.Pow(2, Math.Min(failures, 20)), MaxBackOff.TotalSeconds));
}
