using System.Globalization;
using System.Text;
using Hub.Bot.Tests.Fakes;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Subscriptions;
using Hub.Testing;

namespace Hub.Bot.Tests.Notifications;

/// <summary>
/// A person who follows a feed from the chat hears in it when a check imports a new item: the job's message, marked
/// with the subscription, lives like any import's; review-mode items wait with Approve/Reject for an admin; /settings
/// turns it off.
/// </summary>
public sealed class FollowNoticesTests(BotFixture fx) : IClassFixture<BotFixture>
{
    private static readonly DateTimeOffset Nov = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private FakeBotApi Api => fx.Api;

    private async Task<string> EpisodeAsync(string name)
    {
        fx.Site.MapFile(name, await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "follow-notice-" + name.Replace('/', '-')), "video/mp4");
        return name;
    }

    private void ServeFeed(string path, string title, params (string Title, string File, DateTimeOffset Published)[] items)
    {
        var xml = new StringBuilder($"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>""");
        foreach (var (t, file, published) in items)
        {
            xml.Append(CultureInfo.InvariantCulture, $"""<item><title>{t}</title><guid>{file}</guid><pubDate>{published.ToString("r", CultureInfo.InvariantCulture)}</pubDate><enclosure url="{fx.Site.Url(file)}" type="video/mp4" length="1"/></item>""");
        }
        fx.Site.MapText(path, xml.Append("</channel></rss>").ToString(), "application/rss+xml; charset=utf-8");
    }

    /// <summary>Follows the feed as the chat person <paramref name="user"/> does, and makes the first check (which only remembers what exists).</summary>
    private async Task<Subscription> FollowAsync(long user, string path, bool admin = false, string mode = ImportModes.Auto)
    {
        var who = Requester.ForTelegram(user, "follower", admin);
        var sub = await fx.App.Get<SubscriptionService>().CreateAsync(who, Doors.Bot, new SubscriptionInput { Url = fx.Site.Url(path).AbsoluteUri, Mode = mode },
            CancellationToken.None);
        await CheckAsync(sub);
        return sub;
    }

    private Task<CheckOutcome> CheckAsync(Subscription sub) => fx.App.Get<SubscriptionChecker>().CheckAsync(sub.Id, null, CancellationToken.None);

    [Fact]
    public async Task NewItem_IsAnnouncedInTheFollowersChat_EndsAsTheUsualResult_AndSettingsCanQuietIt()
    {
        const long user = 8301, other = 8302;
        await fx.AllowAsync(user);
        await fx.AllowAsync(other);
        var old = await EpisodeAsync("notice/old.mp4");
        ServeFeed("notice/feed.xml", "Heron Watch", ("Old Episode", old, Nov));
        var sub = await FollowAsync(user, "notice/feed.xml");

        ServeFeed("notice/feed.xml", "Heron Watch", ("Herons at Dawn", await EpisodeAsync("notice/herons.mp4"), Nov.AddDays(1)), ("Old Episode", old, Nov));
        Assert.Equal(1, (await CheckAsync(sub)).Imported);
        var announced = await Api.WaitForTextAsync(user, "📡 New from Heron Watch");
        Assert.Contains("Herons at Dawn", announced.Text, StringComparison.Ordinal);
        Assert.Contains(announced.Buttons, b => b.Text.Contains("Cancel", StringComparison.Ordinal));
        var done = await Api.WaitForAsync(c => c.Method == "editMessageText" && c.ChatId == user && c.Text?.StartsWith("✅ Done", StringComparison.Ordinal) == true,
            "the result in the same message");
        Assert.Equal(FakeBotApi.MessageIdOf(announced), FakeBotApi.MessageIdOf(done));
        Assert.Contains("Herons at Dawn", done.Text, StringComparison.Ordinal);
        Assert.Contains("📡 New from Heron Watch", done.Text, StringComparison.Ordinal);
        var job = Assert.Single(await fx.JobsOfAsync(user));
        Assert.Equal((sub.Id, "Heron Watch"), (ImportJobs.Read(job).Subscription!.Id, ImportJobs.Read(job).Subscription!.Name));

        // Turned off in /settings: the next item is imported without a word in this chat.
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/settings"));
        var settings = await Api.WaitForTextAsync(user, "New items from what I follow: on");
        fx.Press(user, settings, "Quiet");
        await Api.WaitForTextAsync(user, "New items from what I follow: off");
        ServeFeed("notice/feed.xml", "Heron Watch", ("Egrets", await EpisodeAsync("notice/egrets.mp4"), Nov.AddDays(2)),
            ("Herons at Dawn", "notice/herons.mp4", Nov.AddDays(1)), ("Old Episode", old, Nov));
        Assert.Equal(1, (await CheckAsync(sub)).Imported);
        var quiet = (await fx.JobsOfAsync(user)).Single(j => j.Id != job.Id);
        Assert.Equal(JobStates.Completed, (await fx.WaitJobAsync(quiet.Id)).State);

        // Someone else's item, announced after it, shows the quiet one was passed over rather than still on its way.
        ServeFeed("notice/other.xml", "Other Feed", ("First", await EpisodeAsync("notice/first.mp4"), Nov));
        var others = await FollowAsync(other, "notice/other.xml");
        ServeFeed("notice/other.xml", "Other Feed", ("Second", await EpisodeAsync("notice/second.mp4"), Nov.AddDays(1)), ("First", "notice/first.mp4", Nov));
        await CheckAsync(others);
        await Api.WaitForTextAsync(other, "📡 New from Other Feed");
        Assert.DoesNotContain(Api.Calls, c => c.ChatId == user && c.Text?.Contains("Egrets", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task ReviewModeItem_WaitsWithApproveAndReject_ForAnAdminFollower()
    {
        const long admin = 8311;
        await fx.AllowAsync(admin, Roles.Admin);
        ServeFeed("review/feed.xml", "Review Feed", ("Known", await EpisodeAsync("review/known.mp4"), Nov));
        var sub = await FollowAsync(admin, "review/feed.xml", admin: true, mode: ImportModes.Review);

        ServeFeed("review/feed.xml", "Review Feed", ("Needs a Look", await EpisodeAsync("review/look.mp4"), Nov.AddDays(1)), ("Known", "review/known.mp4", Nov));
        Assert.Equal(1, (await CheckAsync(sub)).Imported);
        var waiting = await Api.WaitForAsync(c => c.ChatId == admin && c.Text?.Contains("📥 Waiting for an admin to approve", StringComparison.Ordinal) == true
            && c.Text.Contains("📡 New from Review Feed", StringComparison.Ordinal) && c.Buttons.Any(b => b.Text.Contains("Approve", StringComparison.Ordinal)),
            "the item waiting with Approve and Reject");
        Assert.Contains(waiting.Buttons, b => b.Text.Contains("Reject", StringComparison.Ordinal));

        fx.Press(admin, waiting, "Approve");
        var job = Assert.Single(await fx.JobsOfAsync(admin));
        Assert.Equal(JobStates.Completed, (await fx.WaitJobAsync(job.Id)).State);
        await Api.WaitForAsync(c => c.Method == "editMessageText" && c.ChatId == admin && c.Text?.StartsWith("✅ Done", StringComparison.Ordinal) == true
            && c.Text.Contains("Needs a Look", StringComparison.Ordinal), "the approved item's result");
    }
}
