using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Hub.Domain.Entries;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Notifications;
using Hub.Domain.Subscriptions;
using Hub.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Tests.Subscriptions;

/// <summary>
/// Issue 15's story at the domain's doors: a followed feed's new item arrives by itself (the minute tick finds the
/// subscription due, its check job imports the item), a webhook in the ntfy format reaches a receiver on loopback with
/// a golden request, and what the item says can be read; a review-mode subscription sends its items to the inbox and
/// tells a webhook so; retention by age.
/// </summary>
public sealed partial class SubscriptionStoryTests(SubscriptionFixture fx) : IClassFixture<SubscriptionFixture>
{
    private static readonly DateTimeOffset Nov = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private sealed record Received(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body);

    private readonly ConcurrentQueue<Received> _received = new();

    private string Receiver(string name)
    {
        fx.Site.Map("hooks/" + name, async ctx =>
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer);
            _received.Enqueue(new Received(ctx.Request.Method, ctx.Request.Path.Value!,
                ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), buffer.ToArray()));
            ctx.Response.StatusCode = StatusCodes.Status200OK;
        });
        return fx.Site.Url("hooks/" + name).AbsoluteUri;
    }

    private async Task<Received> WaitForRequestAsync(string name)
    {
        Received? got = null;
        await Eventually.UntilAsync(() => Task.FromResult((got = _received.FirstOrDefault(r => r.Path == "/hooks/" + name)) is not null),
            $"a request at /hooks/{name}", TimeSpan.FromSeconds(60));
        return got!;
    }

    /// <summary>What Coravel's minute tick does, then the check job it enqueued for <paramref name="sub"/>, run by the workers.</summary>
    private async Task<Job> TickAndCheckAsync(Subscription sub)
    {
        var check = Assert.Single(await fx.Get<ScheduledSubscriptionChecks>().EnqueueDueAsync(CancellationToken.None), j => j.Source == sub.Url);
        var done = await fx.WaitAsync(check.Id);
        Assert.True(done.State == JobStates.Completed, done.Error);
        return done;
    }

    /// <summary>The interval has passed: the subscription is due again (the clock is not moved; its due time is).</summary>
    private async Task MakeDueAsync(Subscription sub)
    {
        await using var db = fx.CreateDb();
        await db.Database.ExecuteSqlAsync($"UPDATE subscriptions SET next_check_at = now() - interval '1 second' WHERE id = {sub.Id}");
    }

    [Fact]
    public async Task NewItem_ArrivesByItself_TheNtfyReceiverGetsTheGoldenRequest_AndWhatItSaysCanBeRead()
    {
        var hook = await fx.Get<WebhookService>().CreateAsync(
            new WebhookInput("phone", Receiver("phone"), [WebhookEvents.JobCompleted], WebhookFormats.Ntfy, null, null), "test", CancellationToken.None);
        var old = await fx.EpisodeAsync("story/old.mp4");
        fx.ServeFeed("story/feed.xml", ("Old Episode", old, Nov));
        var sub = await fx.SubscribeAsync("story/feed.xml"); // start: now

        await TickAndCheckAsync(sub); // the first check remembers what is there
        Assert.Empty(await fx.ImportsOfAsync(sub));

        const string line = "Four quiet herons wade at dawn.";
        fx.Site.MapFile("story/herons.mkv", await TestMedia.SpeakingVideoAsync("story-herons", line), "video/x-matroska");
        fx.ServeFeed("story/feed.xml", ("Herons at Dawn", "story/herons.mkv", Nov.AddDays(1)), ("Old Episode", old, Nov));
        await MakeDueAsync(sub);
        await TickAndCheckAsync(sub);

        var import = Assert.Single(await fx.ImportsOfAsync(sub));
        var done = await fx.WaitAsync(import.Id);
        Assert.True(done.State == JobStates.Completed, done.Error);
        var request = await WaitForRequestAsync("phone");

        // The signature is the HMAC of the exact body with the target's secret; then the request is compared whole.
        Assert.Equal(WebhookBodies.Sign(hook.Secret, request.Body), request.Headers[WebhookBodies.SignatureHeader]);
        var shown = new StringBuilder($"{request.Method} {request.Path}\n");
        foreach (var name in new[] { "Content-Type", "Title", "Tags", "Priority", "Click", WebhookBodies.EventHeader, WebhookBodies.SignatureHeader })
        {
            shown.Append(name).Append(": ").Append(request.Headers.TryGetValue(name, out var v) ? v : "(none)").Append('\n');
        }
        shown.Append('\n').Append(Encoding.UTF8.GetString(request.Body)).Append('\n');
        var actual = Normalise(shown.ToString());
        var golden = Path.Combine(AppContext.BaseDirectory, "TestData", "Webhooks", "ntfy-received.golden");
        if (Environment.GetEnvironmentVariable("HUB_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "TestData", "Webhooks", "ntfy-received.golden"), actual);
            return;
        }
        Assert.Equal(File.ReadAllText(golden), actual);

        // What was said in it.
        var entry = await fx.EntryAsync(done.EntryId!.Value);
        var track = EntrySubtitles.Pick(entry, null);
        Assert.NotNull(track);
        var transcript = await EntrySubtitles.ReadAsync(entry, track, 0, timestamps: false, CancellationToken.None);
        Assert.Equal(line, transcript.Text);
    }

    /// <summary>The parts that differ from run to run: the signed link's token, the HMAC, the file's size.</summary>
    private static string Normalise(string request) =>
        SizeText().Replace(Hmac().Replace(SignedToken().Replace(request, "/s/{token}"), "sha256={hmac}"), " · {size} · ");

    [GeneratedRegex(@"/s/[A-Za-z0-9._~-]+")]
    private static partial Regex SignedToken();

    [GeneratedRegex(@"sha256=[0-9a-f]{64}")]
    private static partial Regex Hmac();

    [GeneratedRegex(@" · \d+(\.\d+)? (KB|MB) · ")]
    private static partial Regex SizeText();

    [Fact]
    public async Task ReviewMode_NewItemsWaitInTheInbox_AWebhookSaysSo_AndApprovingImportsThem()
    {
        Receiver("review");
        await fx.Get<WebhookService>().CreateAsync(
            new WebhookInput("reviewer", fx.Site.Url("hooks/review").AbsoluteUri, [WebhookEvents.AwaitingReview], WebhookFormats.Json, null, null),
            "test", CancellationToken.None);
        fx.ServeFeed("review/feed.xml", ("Needs a Look", await fx.EpisodeAsync("review/ep1.mp4"), Nov));
        var sub = await fx.Get<SubscriptionService>().CreateAsync(SubscriptionFixture.Alice, Doors.Api, new SubscriptionInput
        {
            Url = fx.Site.Url("review/feed.xml").AbsoluteUri, Mode = ImportModes.Review, Start = new StartInput("last", Count: 1),
        }, CancellationToken.None);

        Assert.Equal(1, (await fx.CheckAsync(sub)).Imported);

        var job = Assert.Single(await fx.ImportsOfAsync(sub));
        var waiting = await fx.WaitAsync(job.Id, JobStates.AwaitingReview);
        Assert.Equal(ImportModes.Review, waiting.Mode);
        Assert.Contains(await fx.Get<ImportService>().InboxAsync(50, CancellationToken.None), j => j.Id == job.Id);
        var told = await WaitForRequestAsync("review");
        Assert.Equal(WebhookEvents.AwaitingReview, told.Headers[WebhookBodies.EventHeader]);
        Assert.Contains(job.Id.ToString(), Encoding.UTF8.GetString(told.Body), StringComparison.Ordinal);

        await fx.Get<ImportService>().ApproveAsync(job.Id, null, "admin", CancellationToken.None);
        var done = await fx.WaitAsync(job.Id);
        Assert.True(done.State == JobStates.Completed, done.Error);
        Assert.Equal("Needs a Look", (await fx.EntryAsync(done.EntryId!.Value)).Title);
    }

    [Fact]
    public async Task KeepDays_DeletesItsEntriesOlderThanThat_WithTheirFiles()
    {
        var files = new[] { await fx.EpisodeAsync("days/ep1.mp4"), await fx.EpisodeAsync("days/ep2.mp4") };
        fx.ServeFeed("days/feed.xml", ("Fresh", files[1], Nov.AddDays(1)), ("Stale", files[0], Nov));
        var sub = await fx.SubscribeAsync("days/feed.xml", new StartInput("last", Count: 2), retention: new RetentionInput(KeepDays: 7));
        Assert.Equal(2, (await fx.CheckAsync(sub)).Imported);
        var entries = new Dictionary<string, Entry>();
        foreach (var j in await fx.ImportsOfAsync(sub))
        {
            var done = await fx.WaitAsync(j.Id);
            Assert.True(done.State == JobStates.Completed, done.Error);
            var entry = await fx.EntryAsync(done.EntryId!.Value);
            entries[entry.Title] = entry;
        }
        // "Stale" was filed ten days ago.
        await using (var db = fx.CreateDb())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE entries SET created_at = now() - interval '10 days' WHERE id = {entries["Stale"].Id}");
        }

        var second = await fx.CheckAsync(sub);

        Assert.Equal(1, second.Removed);
        await using var check = fx.CreateDb();
        var ids = entries.Values.Select(e => e.Id).ToList();
        Assert.Equal(["Fresh"], await check.Entries.AsNoTracking().Where(e => ids.Contains(e.Id)).Select(e => e.Title).ToListAsync());
        Assert.False(File.Exists(entries["Stale"].FilePath));
        Assert.True(File.Exists(entries["Fresh"].FilePath));
    }
}
