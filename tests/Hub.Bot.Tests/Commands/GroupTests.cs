using Hub.Bot.Tests.Fakes;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Testing;

namespace Hub.Bot.Tests.Commands;

/// <summary>In a group the bot answers what is meant for it, and keeps private lists private.</summary>
public sealed class GroupTests(BotFixture fx) : IClassFixture<BotFixture>
{
    private FakeBotApi Api => fx.Api;

    [Fact]
    public async Task InAGroup_OrdinaryMessages_AndOtherBotsCommands_GetNoAnswer_ButItsOwnDo()
    {
        const long user = 7001, stranger = 7002, Group = -100_771;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.Off);
        Api.PushUpdate(FakeBotApi.InGroup(FakeBotApi.TextUpdate(user, "hello everyone"), Group));
        Api.PushUpdate(FakeBotApi.InGroup(FakeBotApi.TextUpdate(user, "/help@OtherBot"), Group));
        Api.PushUpdate(FakeBotApi.InGroup(FakeBotApi.TextUpdate(stranger, "nice weather"), Group));
        Api.PushUpdate(FakeBotApi.InGroup(FakeBotApi.TextUpdate(user, fx.Site.Url("group-unaddressed.mp4").AbsoluteUri), Group));
        Api.PushUpdate(FakeBotApi.InGroup(FakeBotApi.TextUpdate(user, "/help@hub_test_bot"), Group));
        await Api.WaitForTextAsync(Group, "Your role: user.");
        await Task.Delay(500);
        Assert.True(Api.Calls.Count(c => c.ChatId == Group) == 1, string.Join(" | ", Api.Calls.Where(c => c.ChatId == Group).Select(c => c.Method + ": " + c.Text))); // only the help
        Assert.Null(await fx.App.Get<ContactService>().FindAsync(stranger, CancellationToken.None)); // chatting in a group makes nobody a contact
        Assert.Equal(0, fx.Site.Count("group-unaddressed.mp4"));
        Assert.Empty(await fx.JobsOfAsync(user));

        // A link in a message that mentions the bot, or replies to it, is taken.
        fx.Site.MapFile("group-mention.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "group-mention"), "video/mp4");
        Api.PushUpdate(FakeBotApi.InGroup(FakeBotApi.WithMentions(FakeBotApi.TextUpdate(user, "@hub_test_bot " + fx.Site.Url("group-mention.mp4").AbsoluteUri)), Group));
        await Api.WaitForTextAsync(Group, "✅ Done: group-mention");
        fx.Site.MapFile("group-reply.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "group-reply"), "video/mp4");
        Api.PushUpdate(FakeBotApi.InGroup(FakeBotApi.TextUpdate(user, fx.Site.Url("group-reply.mp4").AbsoluteUri), Group, replyToBotMessage: 5));
        await Api.WaitForTextAsync(Group, "✅ Done: group-reply");
    }

    [Fact]
    public async Task InAGroup_AnAdminsJobsAndContacts_GoToTheAdminsPrivateChat()
    {
        const long user = 7003, Group = -100_772;
        await fx.AllowAsync(user);
        await fx.App.Get<ContactService>().AddAsync(7004, Roles.User, ContactStatuses.Blocked, CancellationToken.None);
        fx.Site.MapFile("group-review.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "group-review"), "video/mp4");
        var job = await fx.App.Get<ImportService>().ImportAsync(new ImportRequest
        {
            Url = fx.Site.Url("group-review.mp4").AbsoluteUri, Mode = ImportModes.Review, Door = Doors.Bot, RequestedBy = Requester.TelegramKey(user),
        }, CancellationToken.None);

        Api.PushUpdate(FakeBotApi.InGroup(FakeBotApi.TextUpdate(BotFixture.AdminId, "/jobs"), Group));
        await Api.WaitForTextAsync(BotFixture.AdminId, "Imports in progress");
        Api.PushUpdate(FakeBotApi.InGroup(FakeBotApi.TextUpdate(BotFixture.AdminId, "/contacts@hub_test_bot"), Group));
        await Api.WaitForTextAsync(BotFixture.AdminId, "👥 Contacts");
        // The group's notices go through the group chat's own queue, apart from the private chat's.
        await Api.WaitForCountAsync(c => c.ChatId == Group && c.Method == "sendMessage" && c.Text!.Contains("sent that to you in a private chat", StringComparison.Ordinal), 2,
            "two notices in the group");
        var inGroup = Api.Calls.Where(c => c.ChatId == Group && c.Method == "sendMessage").Select(c => c.Text!).ToList();
        Assert.Equal(2, inGroup.Count(t => t.Contains("sent that to you in a private chat", StringComparison.Ordinal)));
        Assert.DoesNotContain(inGroup, t => t.Contains("Contacts", StringComparison.Ordinal) || t.Contains("Imports in progress", StringComparison.Ordinal));
        await fx.App.Get<Hub.Domain.Jobs.JobQueue>().CancelAsync(job.Id, "test over", CancellationToken.None);
    }
}
