using Hub.Bot.Telegram;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace Hub.Bot.Tests.Fakes;

/// <summary>
/// The bot's Telegram services exactly as Hub registers them (Telegram.Bot's client on the factory HttpClient, the
/// scheduler, the sender, file downloads), logging everything down to Trace into <see cref="Log"/>.
/// </summary>
public sealed class TelegramServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public TelegramServices(string baseUrl, TelegramOptions? options = null)
    {
        var o = options ?? new TelegramOptions();
        o.BotToken = FakeBotApi.Token;
        o.ApiBaseUrl = baseUrl;
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Log));
        services.AddSingleton(Options.Create(o));
        services.AddSingleton(TimeProvider.System);
        services.AddTelegramClient();
        services.AddSingleton<SendScheduler>();
        services.AddSingleton<BotSender>();
        services.AddSingleton<TelegramFiles>();
        _provider = services.BuildServiceProvider();
    }

    public TestLog Log { get; } = new();

    public ITelegramBotClient Client => _provider.GetRequiredService<ITelegramBotClient>();
    public SendScheduler Scheduler => _provider.GetRequiredService<SendScheduler>();
    public BotSender Sender => _provider.GetRequiredService<BotSender>();
    public TelegramFiles Files => _provider.GetRequiredService<TelegramFiles>();

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
