using Hub.Domain.Subscriptions;

namespace Hub.Domain.Tests.Subscriptions;

public sealed class CheckPlannerTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Items 1..n, newest (n) first, one a day, five minutes long.</summary>
    private static List<SourceItem> Items(int n) =>
        Enumerable.Range(1, n).Reverse().Select(i => new SourceItem($"id:{i}", $"https://example.org/{i}.mp4", $"Item {i}", Day.AddDays(i), 300)).ToList();

    private static Subscription Sub(string start = SubscriptionStart.Now, int cap = 10, int? count = null, DateTimeOffset? date = null, SubscriptionFilters? filters = null) => new()
    {
        Name = "t", Url = "https://example.org/feed", Door = "api", StartFrom = start, StartCount = count, StartDate = date, MaxPerCheck = cap,
        IntervalMinutes = 60, Filters = filters ?? new(),
    };

    private static IReadOnlyList<PlannedItem> Plan(Subscription sub, IReadOnlyList<SourceItem> items, bool first, IEnumerable<string>? seen = null, IEnumerable<string>? inLibrary = null) =>
        CheckPlanner.Plan(sub, items, (seen ?? []).ToHashSet(), (inLibrary ?? []).ToHashSet(), first);

    private static string[] Imported(IReadOnlyList<PlannedItem> plan) =>
        plan.Where(p => p.Decision == ItemDecisions.Imported).Select(p => p.Item.Key).ToArray();

    [Fact]
    public void FirstCheck_StartNow_RemembersEverything_ImportsNothing()
    {
        var plan = Plan(Sub(), Items(5000), first: true);
        Assert.Equal(5000, plan.Count);
        Assert.All(plan, p => Assert.Equal(ItemDecisions.Baseline, p.Decision));
    }

    [Fact]
    public void FirstCheck_StartLast_ImportsTheNewestN()
    {
        var plan = Plan(Sub(SubscriptionStart.Last, count: 3), Items(10), first: true);
        Assert.Equal(["id:10", "id:9", "id:8"], Imported(plan));
        Assert.Equal(7, plan.Count(p => p.Decision == ItemDecisions.Baseline));
    }

    [Fact]
    public void FirstCheck_StartDate_ImportsItemsPublishedSince_AndRemembersUndated()
    {
        var items = Items(10);
        items.Add(new SourceItem("id:undated", "https://example.org/u.mp4", "Undated", null, 300));
        var plan = Plan(Sub(SubscriptionStart.Date, date: Day.AddDays(8)), items, first: true);
        Assert.Equal(["id:10", "id:9", "id:8"], Imported(plan));
        Assert.Equal(ItemDecisions.Baseline, plan.Single(p => p.Item.Key == "id:undated").Decision);
    }

    [Fact]
    public void LaterCheck_ImportsOnlyUnseen_UpToTheCap_LeavingTheRestUnrecorded()
    {
        var plan = Plan(Sub(cap: 2), Items(6), first: false, seen: ["id:1", "id:2"]);
        Assert.Equal(["id:6", "id:5"], Imported(plan));
        Assert.Equal(2, plan.Count); // 4 and 3 have no row: the next check takes them
    }

    [Fact]
    public void AlreadyInLibrary_IsSkipped_NotImported()
    {
        var plan = Plan(Sub(), Items(2), first: false, inLibrary: ["https://example.org/2.mp4"]);
        Assert.Equal(ItemDecisions.InLibrary, plan.Single(p => p.Item.Key == "id:2").Decision);
        Assert.Equal(["id:1"], Imported(plan));
    }

    [Fact]
    public void Filters_TitleWords_Duration_Live_Shorts()
    {
        var items = new List<SourceItem>
        {
            new("id:a", "https://example.org/a", "Weekly News 12", Day, 1200),
            new("id:b", "https://example.org/b", "Weekly News trailer", Day, 1200),
            new("id:c", "https://example.org/c", "Gardening", Day, 1200),
            new("id:d", "https://example.org/d", "Weekly News 13", Day, 30),
            new("id:e", "https://example.org/shorts/e", "Weekly news short", Day, null),
            new("id:f", "https://example.org/f", "Weekly News live", Day, null, IsLive: true),
            new("id:g", "https://example.org/g", "weekly news 14", Day, 100000),
            new("id:h", "https://example.org/h", "Weekly News 15", Day, null),
        };
        var filters = new SubscriptionFilters
        {
            Include = ["weekly news"], Exclude = ["TRAILER"], MinDurationSeconds = 60, MaxDurationSeconds = 7200, SkipLive = true, SkipShorts = true,
        };
        var plan = Plan(Sub(filters: filters), items, first: false);
        Assert.Equal(["id:a", "id:h"], Imported(plan)); // an unknown duration passes the duration filters
        Assert.Equal(6, plan.Count(p => p.Decision == ItemDecisions.Filtered));
    }

    [Fact]
    public void RepeatedKeyInOneListing_IsPlannedOnce()
    {
        var items = Items(2);
        items.Add(items[0] with { Title = "again" });
        Assert.Equal(["id:2", "id:1"], Imported(Plan(Sub(), items, first: false)));
    }
}
