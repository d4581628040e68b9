using Hub.Bot.Menus;
using Hub.Bot.Tests.Fakes;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Testing;

namespace Hub.Bot.Tests.Commands;

/// <summary>What a job's live message and the job commands say: ids, playlist results, duplicates, titles.</summary>
public sealed class LiveMessageTests(BotFixture fx) : IClassFixture<BotFixture>
{
    private FakeBotApi Api => fx.Api;

    [Fact]
    public async Task Playlist_EndsWithCounts_AndALinkPerItem()
    {
        const long user = 4001;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.Off);
        fx.Site.MapFile("bpl-a.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "bpl-a"), "video/mp4")
            .MapFile("bpl-b.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "bpl-b"), "video/mp4")
            .MapText("bot-playlist.html", """
                <html><head><meta property="og:title" content="Two Clips Playlist"></head>
                <body><video src="bpl-a.mp4"></video><video src="bpl-b.mp4"></video></body></html>
                """);
        Api.PushUpdate(FakeBotApi.TextUpdate(user, fx.Site.Url("bot-playlist.html").AbsoluteUri));
        var done = await Api.WaitForTextAsync(user, "✅ Done: Two Clips Playlist");
        Assert.Contains("2 imported · 0 failed · 0 skipped (of 2)", done.Text, StringComparison.Ordinal);
        Assert.Equal(2, done.Links.Count(l => l.StartsWith("http://hub.test/s/", StringComparison.Ordinal)));
        Assert.Contains("1. ✅ ", done.Text, StringComparison.Ordinal);
        Assert.Contains("2. ✅ ", done.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JobsOfTheSameMinute_ShowDifferentIds_AndCancelTakesThem()
    {
        const long user = 4002;
        await fx.AllowAsync(user);
        var imports = fx.App.Get<ImportService>();
        var made = new List<Job>();
        for (var i = 0; i < 3; i++)
        {
            fx.Site.MapFile($"same-minute-{i}.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "sm" + i), "video/mp4");
            made.Add(await imports.ImportAsync(new ImportRequest
            {
                Url = fx.Site.Url($"same-minute-{i}.mp4").AbsoluteUri, Mode = ImportModes.Review, Door = Doors.Bot, RequestedBy = Requester.TelegramKey(user),
            }, CancellationToken.None));
        }
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/jobs"));
        var list = await Api.WaitForTextAsync(user, "Your imports in progress");
        var cancels = list.Buttons.Where(b => b.Text.Contains("Cancel", StringComparison.Ordinal)).Select(b => b.Text).ToList();
        Assert.Equal(3, cancels.Distinct().Count());
        foreach (var job in made)
        {
            Assert.Contains(Texts.ShortId(job.Id), list.Text, StringComparison.Ordinal);
        }
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/cancel " + Texts.ShortId(made[1].Id)));
        await Api.WaitForTextAsync(user, $"({Texts.ShortId(made[1].Id)})");
        Assert.Equal(JobStates.Cancelled, (await fx.WaitJobAsync(made[1].Id)).State);
        Assert.False(JobStates.IsTerminal((await fx.App.Get<JobQueue>().GetAsync(made[0].Id, CancellationToken.None)).State));
    }

    [Fact]
    public async Task SameLinkFiveTimes_MakesOneJob_AndOneLiveMessage_TheOthersPointToIt()
    {
        const long user = 4003;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.Off);
        fx.Site.Map("hang-dup.mp4", ctx => Task.Delay(Timeout.Infinite, ctx.RequestAborted));
        var url = fx.Site.Url("hang-dup.mp4").AbsoluteUri;
        for (var i = 0; i < 5; i++)
        {
            Api.PushUpdate(FakeBotApi.TextUpdate(user, url));
        }
        await Api.WaitForAsync(c => c.ChatId == user && c.Method == "sendMessage" && Api.CallsOf("sendMessage").Count(m => m.ChatId == user
            && m.Text!.StartsWith("⏳ Already importing", StringComparison.Ordinal)) == 4, "four pointers");
        var job = Assert.Single(await fx.JobsOfAsync(user));
        var sent = Api.CallsOf("sendMessage").Where(c => c.ChatId == user).ToList();
        var live = Assert.Single(sent, c => c.Buttons.Any(b => b.Text.Contains("Cancel", StringComparison.Ordinal)));
        Assert.All(sent.Where(c => c != live), c =>
        {
            Assert.Contains(Texts.ShortId(job.Id), c.Text, StringComparison.Ordinal);
            Assert.Equal(FakeBotApi.MessageIdOf(live), c.Params["reply_parameters"]?["message_id"]?.GetValue<long>());
        });
        await fx.App.Get<JobQueue>().CancelAsync(job.Id, "test over", CancellationToken.None);
    }

    [Theory]
    [InlineData("audio", 4004)]
    [InlineData("voice", 4005)]
    public async Task TelegramAudio_IsFiledInMusic_ByWhatWasDownloaded(string kind, long user)
    {
        await fx.AllowAsync(user);
        var tone = await TestMedia.VariantAsync(await TestMedia.Mp3Async(), "tg-" + kind);
        Api.AddFile("file-" + kind, tone);
        Api.PushUpdate(FakeBotApi.FileUpdate(user, kind, "file-" + kind, new FileInfo(tone).Length, kind + "-note.mp3"));
        var done = await Api.WaitForTextAsync(user, "✅ Done: ");
        Assert.Contains("Library: Music", done.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTitleShown_NeverRegresses_ToAPlaceholder()
    {
        const long user = 4006;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.Off);
        fx.Site.Map("hang-title.mp4", ctx => Task.Delay(Timeout.Infinite, ctx.RequestAborted));
        var url = fx.Site.Url("hang-title.mp4").AbsoluteUri;
        Api.PushUpdate(FakeBotApi.TextUpdate(user, url));
        var probing = await Api.WaitForAsync(c => c.Method == "editMessageText" && c.ChatId == user && c.Text!.StartsWith("🔎 Looking at", StringComparison.Ordinal),
            "the probing state shown");
        Assert.Contains(url, probing.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Api.Calls, c => c.ChatId == user && c.Text?.Contains("your import", StringComparison.Ordinal) == true);
        var job = Assert.Single(await fx.JobsOfAsync(user));
        await fx.App.Get<JobQueue>().CancelAsync(job.Id, "test over", CancellationToken.None);
    }
}
