using Hub.Domain.Storage;
using Hub.Bot.Commands;
using Hub.Bot.Telegram;
using Hub.Domain;
using Hub.Domain.Access;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Hub.Bot.Receiving;

/// <summary>
/// Brings the bot up once the database is there: seeds the configured admins, registers the command list, and sets
/// or clears the webhook for the configured mode. Polling waits for <see cref="Ready"/>. Telegram being unreachable
/// at start is logged and retried, never fatal for the rest of Hub.
/// </summary>
public sealed class BotStartup(ITelegramBotClient client, IServiceProvider services, IOptions<TelegramOptions> options, IOptions<HubOptions> hub,
    TimeProvider time, ILogger<BotStartup> logger) : BackgroundService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Ready => _ready.Task;

    /// <summary>The bot's own account, once known.</summary>
    public User? Me { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            logger.LogInformation("Telegram bot is off: set Telegram:BotToken to turn it on");
            return;
        }
        // Resolved here, not in the constructor: hosted services are built before the database has started.
        var contacts = services.GetRequiredService<ContactService>();
        var seeded = false;
        var delay = TimeSpan.FromSeconds(2);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!seeded)
                {
                    await contacts.SeedAdminsAsync(o.AdminIds, stoppingToken).ConfigureAwait(false);
                    await services.GetRequiredService<TelegramSettingsStore>().UpgradeStoredAsync(stoppingToken).ConfigureAwait(false);
                    seeded = true;
                }
                Me = await client.GetMe(stoppingToken).ConfigureAwait(false);
                await services.GetRequiredService<CommandMenus>().RegisterAsync(stoppingToken).ConfigureAwait(false);
                if (o.IsWebhook)
                {
                    var root = (o.PublicUrl ?? hub.Value.PublicUrl)?.TrimEnd('/')
                        ?? throw new InvalidOperationException("Webhook mode needs Telegram:PublicUrl (or Hub:PublicUrl).");
                    await client.SetWebhook(root + WebhookEndpoint.Path, allowedUpdates: PollingService.AllowedUpdates, secretToken: o.WebhookSecret,
                        cancellationToken: stoppingToken).ConfigureAwait(false);
                }
                else
                {
                    // A webhook left from an earlier run would make getUpdates fail with 409.
                    await client.DeleteWebhook(cancellationToken: stoppingToken).ConfigureAwait(false);
                }
                logger.LogInformation("Telegram bot @{Username} is up ({Mode}); {Admins} admin id(s) configured", Me.Username, o.IsWebhook ? "webhook" : "polling",
                    o.AdminIds.Count);
                _ready.TrySetResult();
                if (string.IsNullOrEmpty(hub.Value.PublicUrl))
                {
                    await WarnAdminsAsync(contacts, stoppingToken).ConfigureAwait(false);
                }
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RequestException || DatabaseOutage.Is(ex))
            {
                // Telegram unreachable, or the database away while the bot starts: the rest of Hub goes on meanwhile.
                logger.LogWarning("The Telegram bot could not start ({Error}); retrying in {Seconds} s", ex.Message, delay.TotalSeconds);
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
            }
        }
    }

    /// <summary>Once per start: links in chats would otherwise quietly point at a loopback address. Best effort: the bot is up either way.</summary>
    private async Task WarnAdminsAsync(ContactService contacts, CancellationToken stoppingToken)
    {
        try
        {
            foreach (var admin in await contacts.AdminsAsync(stoppingToken).ConfigureAwait(false))
            {
                services.GetRequiredService<BotSender>().Post(admin.TelegramId, Notifications.EntryLinks.AdminWarning);
            }
        }
        catch (Exception ex) when (DatabaseOutage.Is(ex))
        {
            logger.LogWarning("Could not tell the admins that Hub:PublicUrl is not set: {Error}", ex.Message);
        }
    }
}
