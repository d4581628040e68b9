using Hub.Bot.Tests.Fakes;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Testing;

namespace Hub.Bot.Tests.Commands;

/// <summary>The admin's "imports from the bot: review first" (its own fixture: the setting is global).</summary>
public sealed class ImportModeTests(BotFixture fx) : IClassFixture<BotFixture>
{
    private FakeBotApi Api => fx.Api;

    [Fact]
    public async Task ReviewMode_SendsAUsersLink_ToTheInbox_WhileAnAdminsIsFiledAtOnce()
    {
        const long user = 9101;
        await fx.AllowAsync(user);
        await fx.App.Get<TelegramSettingsStore>().UpdateAsync(new TelegramSettingsPatch(null, null, BotConfirm.Off, ImportMode: ImportModes.Review),
            CancellationToken.None);
        var clip = await TestMedia.VideoAsync();
        fx.Site.MapFile("mode-user.mp4", await TestMedia.VariantAsync(clip, "mode-user"), "video/mp4");
        fx.Site.MapFile("mode-admin.mp4", await TestMedia.VariantAsync(clip, "mode-admin"), "video/mp4");

        Api.PushUpdate(FakeBotApi.TextUpdate(user, fx.Site.Url("mode-user.mp4").AbsoluteUri));
        await Api.WaitForTextAsync(user, "Waiting for an admin to approve");
        var theirs = Assert.Single(await fx.JobsOfAsync(user));
        Assert.Equal(JobStates.AwaitingReview, theirs.State);

        Api.PushUpdate(FakeBotApi.TextUpdate(BotFixture.AdminId, fx.Site.Url("mode-admin.mp4").AbsoluteUri));
        await Api.WaitForTextAsync(BotFixture.AdminId, "✅ Done: mode-admin");
        await fx.App.Get<JobQueue>().CancelAsync(theirs.Id, "test over", CancellationToken.None);
    }
}
