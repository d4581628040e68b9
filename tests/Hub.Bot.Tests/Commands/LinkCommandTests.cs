using Hub.Bot.Menus;
using Hub.Bot.Tests.Fakes;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Pairing;
using Hub.Testing;

namespace Hub.Bot.Tests.Commands;

/// <summary>/link CODE: a Telegram contact becomes the same person as a token owner (the browser's), for jobs.</summary>
public sealed class LinkCommandTests(BotFixture fx) : IClassFixture<BotFixture>
{
    private FakeBotApi Api => fx.Api;

    [Fact]
    public async Task Link_WithTheOwnersCode_LetsTheContactCancelTheBrowsersImport_AndTheCodeWorksOnce()
    {
        const long user = 5101, other = 5102;
        await fx.AllowAsync(user);
        await fx.AllowAsync(other);
        var owner = (await fx.App.Get<TokenService>().CreateAsync("browser owner " + Guid.NewGuid().ToString("N")[..6], Roles.User, CancellationToken.None)).Token;
        var code = await fx.App.Get<PairingService>().CreateTelegramCodeAsync(Requester.ForToken(owner), CancellationToken.None);

        fx.Site.MapFile("from-browser.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "from-browser"), "video/mp4");
        // Started from the browser (the owner's token), waiting for review: an import that stays active.
        var job = await fx.App.Get<ImportService>().ImportAsync(new ImportRequest
        {
            Url = fx.Site.Url("from-browser.mp4").AbsoluteUri, Mode = ImportModes.Review, Door = Doors.Extension, RequestedBy = Requester.ForToken(owner).Key,
        }, CancellationToken.None);
        var data = CallbackData.Build("jc", CallbackData.Id(job.Id));

        // Before linking, the browser's import is not the contact's.
        var early = FakeBotApi.CallbackUpdate(user, 1, data);
        Api.PushUpdate(early);
        Assert.Equal("That import no longer exists.", (await AnswerAsync(early)).Params["text"]?.ToString());

        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/link " + code.Code.ToLowerInvariant()));
        await Api.WaitForTextAsync(user, "Linked: imports");
        Assert.Equal(Requester.ForToken(owner).Key, (await fx.App.Get<ContactService>().GetAsync(user, CancellationToken.None)).OwnerKey);

        Api.PushUpdate(FakeBotApi.TextUpdate(other, "/link " + code.Code));
        await Api.WaitForTextAsync(other, "already used or expired");
        Assert.Null((await fx.App.Get<ContactService>().GetAsync(other, CancellationToken.None)).OwnerKey);

        var press = FakeBotApi.CallbackUpdate(user, 1, data);
        Api.PushUpdate(press);
        Assert.Equal("Cancelling…", (await AnswerAsync(press)).Params["text"]?.ToString());
        Assert.True((await fx.App.Get<JobQueue>().GetAsync(job.Id, CancellationToken.None)).CancelRequested
            || (await fx.App.Get<JobQueue>().GetAsync(job.Id, CancellationToken.None)).State == JobStates.Cancelled);
    }

    [Fact]
    public async Task Link_WithoutACode_SaysWhatToSend()
    {
        const long user = 5103;
        await fx.AllowAsync(user);
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/link"));
        await Api.WaitForTextAsync(user, "Send /link followed by the code");
    }

    private Task<ApiCall> AnswerAsync(System.Text.Json.Nodes.JsonObject update) =>
        Api.WaitForAsync(c => c.Method == "answerCallbackQuery" && c.Params["callback_query_id"]?.ToString() == update["callback_query"]!["id"]!.ToString(), "the press answered");
}
