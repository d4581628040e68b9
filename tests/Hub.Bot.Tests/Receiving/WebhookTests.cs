using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hub.Bot.Receiving;
using Hub.Bot.Tests.Fakes;

namespace Hub.Bot.Tests.Receiving;

public sealed class WebhookFixture : BotFixture
{
    public const string Secret = "s3cret_Webhook-token";

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Telegram:Mode"] = "webhook",
        ["Telegram:WebhookSecret"] = Secret,
        ["Telegram:PublicUrl"] = "https://hub.example.test",
    };
}

/// <summary>Webhook mode: Telegram's pushes are accepted only with the secret, answered at once, handled once.</summary>
public sealed class WebhookTests(WebhookFixture fx) : IClassFixture<WebhookFixture>
{
    [Fact]
    public void Start_RegistersTheWebhook_WithItsSecret_AndDoesNotPoll()
    {
        var set = Assert.Single(fx.Api.CallsOf("setWebhook"));
        Assert.Equal("https://hub.example.test/telegram/webhook", set.Params["url"]!.ToString());
        Assert.Equal(WebhookFixture.Secret, set.Params["secret_token"]!.ToString());
        Assert.Empty(fx.Api.CallsOf("getUpdates"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    [InlineData("s3cret_Webhook-toke")]
    [InlineData("s3cret_Webhook-token2")]
    public async Task WrongOrMissingSecret_Is403_AndNothingIsHandled(string? secret)
    {
        using var client = fx.App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookEndpoint.Path)
        {
            Content = JsonContent.Create(Update(5001, "/start")),
        };
        if (secret is not null)
        {
            request.Headers.Add(WebhookEndpoint.SecretHeader, secret);
        }
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await Task.Delay(300);
        Assert.DoesNotContain(fx.Api.Calls, c => c.ChatId == 5001);
    }

    [Fact]
    public async Task RightSecret_Is200_TheUpdateIsHandled_Once()
    {
        await fx.AllowAsync(5002);
        using var client = fx.App.CreateClient();
        var update = Update(5002, "/help");
        for (var i = 0; i < 2; i++) // Telegram retrying a delivery
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, WebhookEndpoint.Path) { Content = JsonContent.Create(update) };
            request.Headers.Add(WebhookEndpoint.SecretHeader, WebhookFixture.Secret);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await fx.Api.WaitForTextAsync(5002, "Your role: user.");
        await Task.Delay(500);
        Assert.Single(fx.Api.CallsOf("sendMessage"), c => c.ChatId == 5002);
    }

    [Fact]
    public void SecretComparison_NeedsAnExactMatch()
    {
        Assert.True(WebhookEndpoint.SecretMatches("abc", "abc"));
        Assert.False(WebhookEndpoint.SecretMatches("abd", "abc"));
        Assert.False(WebhookEndpoint.SecretMatches("", "abc"));
        Assert.False(WebhookEndpoint.SecretMatches("abc", null)); // no secret configured: nothing matches
    }

    private static JsonObject Update(long user, string text)
    {
        var u = FakeBotApi.TextUpdate(user, text);
        u["update_id"] = Random.Shared.NextInt64(10_000_000, 20_000_000);
        return u;
    }
}
