using System.Globalization;
using System.Text;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Subscriptions;
using Hub.Domain.Tests.Imports;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Tests.Subscriptions;

/// <summary>The pipeline (workers on) with helpers to serve feeds on the loopback site and to subscribe and check.</summary>
public class SubscriptionFixture : PipelineFixture
{
    public static readonly Requester Alice = new("token:alice", "alice", IsAdmin: false);
    public static readonly Requester Bob = new("token:bob", "bob", IsAdmin: false);
    public static readonly Requester Admin = new("token:admin", "admin", IsAdmin: true);

    private int _episodes;

    /// <summary>A distinct media file on the site (distinct bytes, so content de-duplication keeps each), returning its path.</summary>
    public async Task<string> EpisodeAsync(string name)
    {
        Site.MapFile(name, await TestMedia.VariantAsync(await TestMedia.VideoAsync(), name.Replace('/', '-') + "-" + Interlocked.Increment(ref _episodes)), "video/mp4");
        return name;
    }

    /// <summary>Serves an RSS feed at <paramref name="path"/> whose items (newest first) enclose the named site files.</summary>
    /// <summary>An RSS feed at <paramref name="path"/>; an item's file is a path on the loopback site, or an absolute URL as it is.</summary>
    public void ServeFeed(string path, params (string Title, string File, DateTimeOffset Published)[] items)
    {
        var xml = new StringBuilder("""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Loopback Feed</title>""");
        foreach (var (title, file, published) in items)
        {
            xml.Append(CultureInfo.InvariantCulture, $"""<item><title>{title}</title><guid>{file}</guid><pubDate>{published.ToString("r", CultureInfo.InvariantCulture)}</pubDate><enclosure url="{(file.Contains("://", StringComparison.Ordinal) ? file : Site.Url(file).AbsoluteUri)}" type="video/mp4" length="1"/></item>""");
        }
        xml.Append("</channel></rss>");
        Site.MapText(path, xml.ToString(), "application/rss+xml; charset=utf-8");
    }

    public Task<Subscription> SubscribeAsync(string path, StartInput? start = null, int? cap = null, SubscriptionFilters? filters = null, Requester? who = null,
        RetentionInput? retention = null, string? mediaServerFiles = null) =>
        Get<SubscriptionService>().CreateAsync(who ?? Alice, Doors.Api, new SubscriptionInput
        {
            Url = Site.Url(path).AbsoluteUri, Start = start, MaxPerCheck = cap, Filters = filters, Retention = retention,
            MediaServerFiles = mediaServerFiles,
        }, CancellationToken.None);

    public Task<CheckOutcome> CheckAsync(Subscription sub) => Get<SubscriptionChecker>().CheckAsync(sub.Id, null, CancellationToken.None);

    public async Task<Subscription> ReloadAsync(Subscription sub)
    {
        await using var db = CreateDb();
        return await db.Subscriptions.AsNoTracking().SingleAsync(s => s.Id == sub.Id);
    }

    /// <summary>The import jobs this subscription started, oldest first.</summary>
    public async Task<List<Job>> ImportsOfAsync(Subscription sub)
    {
        await using var db = CreateDb();
        var ids = await db.Database.SqlQuery<Guid>($"SELECT job_id AS \"Value\" FROM subscription_items WHERE subscription_id = {sub.Id} AND job_id IS NOT NULL")
            .ToListAsync();
        return await db.Jobs.AsNoTracking().Where(j => ids.Contains(j.Id)).OrderBy(j => j.CreatedAt).ToListAsync();
    }
}

/// <summary>The subscription pipeline with Hub's global <c>Hub:MediaServer:WriteNfo</c> on.</summary>
public sealed class NfoSubscriptionFixture : SubscriptionFixture
{
    protected override IDictionary<string, string?> Settings => Media.NfoPipelineFixture.WithNfo(base.Settings);
}
