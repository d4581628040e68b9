using Hub.Bot.Tests.Fakes;
using Hub.Domain.Access;
using Hub.Testing;

namespace Hub.Bot.Tests.Commands;

public sealed class NoPublicUrlFixture : BotFixture
{
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { ["Hub:PublicUrl"] = "" };
}

/// <summary>Without Hub:PublicUrl the bot warns the admin once (links, where the test host has an address, carry a note).</summary>
public sealed class PublicUrlTests(NoPublicUrlFixture fx) : IClassFixture<NoPublicUrlFixture>
{
    [Fact]
    public async Task WithoutPublicUrl_TheAdminIsWarnedOnce_AndLinksSaySo()
    {
        await fx.Api.WaitForTextAsync(BotFixture.AdminId, "Hub:PublicUrl is not set");
        const long user = 8001;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.Off);
        fx.Site.MapFile("local-link.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "local-link"), "video/mp4");
        fx.Api.PushUpdate(FakeBotApi.TextUpdate(user, fx.Site.Url("local-link.mp4").AbsoluteUri));
        await fx.Api.WaitForTextAsync(user, "✅ Done: local-link");
        Assert.Single(fx.Api.CallsOf("sendMessage"), c => c.ChatId == BotFixture.AdminId && c.Text!.Contains("Hub:PublicUrl is not set", StringComparison.Ordinal));
    }
}
