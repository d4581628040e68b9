using Hub.Bot.Tests.Fakes;
using Hub.Domain.Access;
using Hub.Domain.Libraries;
using Hub.Domain.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Hub.Bot.Tests.Commands;

/// <summary>/follow a feed from the chat (library and format buttons), /following with pause and remove buttons.</summary>
public sealed class FollowCommandTests(BotFixture fx) : IClassFixture<BotFixture>
{
    private FakeBotApi Api => fx.Api;

    private async Task<Subscription?> SubscriptionAsync(string url)
    {
        await using var db = fx.App.CreateDb();
        return await db.Subscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Url == url);
    }

    private Task<ApiCall> AnswerAsync(string text) =>
        Api.WaitForAsync(c => c.Method == "answerCallbackQuery" && c.Params["text"]?.ToString() == text, $"the answer '{text}'");

    [Fact]
    public async Task Follow_PickLibraryAndFormat_ThenPauseAndRemoveFromFollowing()
    {
        const long user = 8201;
        await fx.AllowAsync(user);
        var lib = await fx.App.Get<LibraryService>().CreateAsync(new LibraryInput("Chat Podcasts", MediaKind: "any"), CancellationToken.None);
        var url = fx.Site.Url("follow/feed.xml").AbsoluteUri;

        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/follow " + url));
        var offer = await Api.WaitForTextAsync(user, "👀 Following " + url);
        var sub = await SubscriptionAsync(url);
        Assert.NotNull(sub);
        Assert.Equal(Requester.TelegramKey(user), sub.CreatedBy);
        Assert.Equal(SubscriptionStart.Now, sub.StartFrom);

        fx.Press(user, offer, "Chat Podcasts");
        await AnswerAsync("Library: Chat Podcasts");
        fx.Press(user, offer, "audio_best");
        await AnswerAsync("Format: audio_best");
        sub = await SubscriptionAsync(url);
        Assert.Equal((lib.Id, "audio_best"), (sub!.LibraryId, sub.Format));

        // Someone else's forged button changes nothing.
        const long other = 8202;
        await fx.AllowAsync(other);
        Api.PushUpdate(FakeBotApi.CallbackUpdate(other, FakeBotApi.MessageIdOf(offer), "fr:" + offer.Buttons.First(b => b.Text.Contains("Let the rules", StringComparison.Ordinal)).Data!.Split(':')[1]));
        await AnswerAsync("That subscription is gone.");
        Assert.NotNull(await SubscriptionAsync(url));

        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/following"));
        var list = await Api.WaitForTextAsync(user, "You follow:");
        Assert.Contains("follow/feed.xml: 0 imported", list.Text ?? "", StringComparison.Ordinal);
        fx.Press(user, list, "Pause");
        await AnswerAsync("Paused.");
        Assert.True((await SubscriptionAsync(url))!.Paused);
        await Api.WaitForAsync(c => c.Method == "editMessageText" && c.Params["text"]?.ToString()?.Contains("paused", StringComparison.Ordinal) == true, "the list redrawn");

        fx.Press(user, list, "Remove");
        await AnswerAsync("Removed; what it imported stays.");
        Assert.Null(await SubscriptionAsync(url));
    }

    [Fact]
    public async Task Follow_WithoutALink_SaysHow()
    {
        const long user = 8203;
        await fx.AllowAsync(user);
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/follow"));
        await Api.WaitForTextAsync(user, "Send /follow followed by");
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/following"));
        await Api.WaitForTextAsync(user, "You follow nothing yet.");
    }
}
