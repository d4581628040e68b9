using Hub.Bot.Tests.Fakes;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Testing;

namespace Hub.Bot.Tests.Commands;

/// <summary>Blocking someone stops what they started: imports, the live messages about them, previews, links.</summary>
public sealed class BlockingTests(BotFixture fx) : IClassFixture<BotFixture>
{
    private FakeBotApi Api => fx.Api;

    [Fact]
    public async Task BlockingAUser_CancelsTheirRunningImport_AndTheirChatGetsNoMoreEditsOrLinks()
    {
        const long user = 5001;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.Off);
        // The site never answers: the import stays in progress until something cancels it.
        fx.Site.Map("hang-blocked.mp4", ctx => Task.Delay(Timeout.Infinite, ctx.RequestAborted));
        Api.PushUpdate(FakeBotApi.TextUpdate(user, fx.Site.Url("hang-blocked.mp4").AbsoluteUri));
        var live = await Api.WaitForAsync(c => c.ChatId == user && c.Buttons.Any(b => b.Text.Contains("Cancel", StringComparison.Ordinal)), "a live message");
        var job = Assert.Single(await fx.JobsOfAsync(user));

        Api.PushUpdate(FakeBotApi.CallbackUpdate(BotFixture.AdminId, 1, $"ct:b:{user}:n"));
        await Api.WaitForAsync(c => c.Method == "answerCallbackQuery" && c.Params["text"]?.ToString().Contains("blocked", StringComparison.Ordinal) == true,
            "the block answered");
        Assert.Equal(JobStates.Cancelled, (await fx.WaitJobAsync(job.Id)).State);
        var stopped = await Api.WaitForAsync(c => c.Method == "editMessageText" && c.ChatId == user && c.Text!.StartsWith("✖ Stopped", StringComparison.Ordinal),
            "the live message marked stopped");
        Assert.Equal(FakeBotApi.MessageIdOf(live), stopped.MessageId);
        Assert.Empty(stopped.Buttons);
        await Task.Delay(1500); // past a progress interval: nothing more reaches the blocked chat
        var after = Api.Calls.Where(c => c.ChatId == user && c.At > stopped.At).ToList();
        Assert.Empty(after);
        Assert.Equal(ContactStatuses.Blocked, (await fx.App.Get<ContactService>().GetAsync(user, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task BlockingAUser_EndsTheLinksTheyWereGiven_OthersKeepWorking()
    {
        const long user = 5002, other = 5003;
        await fx.AllowAsync(user);
        await fx.AllowAsync(other);
        await fx.SetConfirmAsync(BotConfirm.Off);
        fx.Site.MapFile("held-link.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "held-link"), "video/mp4");
        Api.PushUpdate(FakeBotApi.TextUpdate(user, fx.Site.Url("held-link.mp4").AbsoluteUri));
        var done = await Api.WaitForTextAsync(user, "✅ Done: held-link");
        Api.PushUpdate(FakeBotApi.TextUpdate(other, "/recent"));
        var recent = await Api.WaitForTextAsync(other, "🕒 Recently added");
        var theirs = new Uri(done.Links[0]).PathAndQuery;
        var others = new Uri(recent.Links[0]).PathAndQuery;
        using var http = fx.App.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(theirs)).StatusCode);

        Api.PushUpdate(FakeBotApi.CallbackUpdate(BotFixture.AdminId, 1, $"ct:b:{user}:n"));
        await Api.WaitForAsync(c => c.Method == "answerCallbackQuery" && c.Params["text"]?.ToString().Contains("blocked", StringComparison.Ordinal) == true,
            "the block answered");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await http.GetAsync(theirs)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(others)).StatusCode);
    }
}
