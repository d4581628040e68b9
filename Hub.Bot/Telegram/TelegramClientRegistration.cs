using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace Hub.Bot.Telegram;

/// <summary>
/// Telegram.Bot's <see cref="TelegramBotClient"/> on a named <see cref="HttpClient"/> from IHttpClientFactory. The
/// factory's request logging is removed: it writes request URLs, and a Bot API URL carries the token. The client is
/// a singleton (it holds no state), so its handler lives as long as the process and DNS changes are picked up by the
/// pooled connections' lifetime instead of the factory's handler rotation.
/// </summary>
public static class TelegramClientRegistration
{
    public const string HttpClientName = "telegram";

    /// <summary>Stands in for the token when the bot is off, so the services still build (and are never called).</summary>
    private const string NoToken = "0:bot-off";

    public static IServiceCollection AddTelegramClient(this IServiceCollection services)
    {
        services.AddHttpClient(HttpClientName)
            // No client-wide timeout: long polls and uploads need long ones; each call sets its own (BotSender, PollingService).
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan)
            .UseSocketsHttpHandler((h, _) =>
            {
                h.PooledConnectionLifetime = TimeSpan.FromMinutes(5);
                h.MaxConnectionsPerServer = 64;
                h.AutomaticDecompression = DecompressionMethods.All;
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()
            .ConfigureAdditionalHttpMessageHandlers((handlers, sp) =>
            {
                if (sp.GetRequiredService<IOptions<TelegramOptions>>().Value.EmulatorQuirks)
                {
                    handlers.Add(new EmulatorCompatibilityHandler());
                }
            });
        services.AddSingleton<ITelegramBotClient>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TelegramOptions>>().Value;
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
            return new TelegramBotClient(Options(o), http);
        });
        return services;
    }

    public static TelegramBotClientOptions Options(TelegramOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var official = string.Equals(o.ApiBaseUrl.TrimEnd('/'), TelegramOptions.DefaultApiBaseUrl, StringComparison.OrdinalIgnoreCase);
        return new TelegramBotClientOptions(o.Enabled ? o.BotToken! : NoToken, official ? null : o.ApiBaseUrl)
        {
            // 429s are the SendScheduler's: it holds only the chat concerned and keeps the global budget.
            RetryThreshold = 0,
        };
    }
}
