using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hub.Bot.Tests.Receiving;

/// <summary>The bot token can come from a file (a Docker or systemd secret), so it is never on a command line.</summary>
public sealed class BotTokenFileTests
{
    private static TelegramOptions Options(Dictionary<string, string?> settings)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddLogging().AddHubBot(config).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<TelegramOptions>>().Value;
    }

    [Fact]
    public void TheFirstLineOfTheFile_IsTheToken_UnlessOneIsGivenDirectly()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "123456789:AAEfromafile-secret_value\n");
            Assert.Equal("123456789:AAEfromafile-secret_value", Options(new() { ["Telegram:BotTokenFile"] = file }).BotToken);
            Assert.Equal("987654321:AAEdirect", Options(new() { ["Telegram:BotTokenFile"] = file, ["Telegram:BotToken"] = "987654321:AAEdirect" }).BotToken);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void AMissingFile_IsRefusedWithItsSettingNamed()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options(new() { ["Telegram:BotTokenFile"] = "/nonexistent/hub-bot-token" }));
        Assert.Contains("Telegram:BotTokenFile", error.Message);
    }
}
