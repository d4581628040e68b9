namespace Hub.Domain.Subscriptions;

/// <summary>An item of this check and what happens to it.</summary>
public sealed record PlannedItem(SourceItem Item, string Decision);

/// <summary>
/// Decides, without touching anything, what a check does with the items a source listed (newest first): items seen
/// before are left alone; on the first check, what existed before the subscription's start is only remembered; the rest
/// are filtered, matched against the library, and imported up to the per-check cap. Items over the cap get no row, so the
/// next check takes them.
/// </summary>
public static class CheckPlanner
{
    public static IReadOnlyList<PlannedItem> Plan(Subscription sub, IReadOnlyList<SourceItem> items, IReadOnlySet<string> seenKeys,
        IReadOnlySet<string> inLibraryUrls, bool firstCheck)
    {
        var plan = new List<PlannedItem>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var imports = 0;
        var position = 0;
        foreach (var item in items)
        {
            if (!keys.Add(item.Key) || seenKeys.Contains(item.Key))
            {
                position++;
                continue;
            }
            string decision;
            if (firstCheck && !AfterStart(sub, item, position))
            {
                decision = ItemDecisions.Baseline;
            }
            else if (!Passes(sub.Filters, item))
            {
                decision = ItemDecisions.Filtered;
            }
            else if (inLibraryUrls.Contains(item.Url))
            {
                decision = ItemDecisions.InLibrary;
            }
            else if (imports < sub.MaxPerCheck)
            {
                decision = ItemDecisions.Imported;
                imports++;
            }
            else
            {
                position++;
                continue; // over the cap: the next check takes it
            }
            plan.Add(new PlannedItem(item, decision));
            position++;
        }
        return plan;
    }

    /// <summary>Whether an item is past where the subscription starts (first check only).</summary>
    private static bool AfterStart(Subscription sub, SourceItem item, int position) => sub.StartFrom switch
    {
        SubscriptionStart.Last => position < (sub.StartCount ?? 0),
        // An item without a date cannot be shown to be new, so it is remembered rather than imported.
        SubscriptionStart.Date => item.PublishedAt is { } at && sub.StartDate is { } since && at >= since,
        _ => false,
    };

    public static bool Passes(SubscriptionFilters f, SourceItem item)
    {
        var title = item.Title ?? "";
        if (f.Include.Count > 0 && !f.Include.Any(w => title.Contains(w, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }
        if (f.Exclude.Any(w => title.Contains(w, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }
        if (item.DurationSeconds is { } d && ((f.MinDurationSeconds is { } min && d < min) || (f.MaxDurationSeconds is { } max && d > max)))
        {
            return false;
        }
        if (f.SkipLive && item.IsLive)
        {
            return false;
        }
        if (f.SkipShorts && (item.Url.Contains("/shorts/", StringComparison.OrdinalIgnoreCase) || item.DurationSeconds is <= 60))
        {
            return false;
        }
        return true;
    }
}
