using System.Globalization;
using Hub.Bot.Commands;
using Hub.Bot.Menus;
using Hub.Bot.Notifications;
using Hub.Bot.Receiving;
using Hub.Bot.Telegram;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Telegram.Bot.Types;

namespace Hub.Bot;

public static class HubBotServiceCollectionExtensions
{
    /// <summary>
    /// The Telegram door. Everything is registered always; with no <c>Telegram:BotToken</c> the hosted services do
    /// nothing (one log line says the bot is off) and the webhook answers 404.
    /// </summary>
    public static IServiceCollection AddHubBot(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(TelegramOptions.Section);
        services.AddOptions<TelegramOptions>()
            .Configure(o =>
            {
                section.Bind(o);
                o.AdminIds = ParseIds(section.GetSection(nameof(TelegramOptions.AdminIds)));
                if (string.IsNullOrWhiteSpace(o.BotToken) && !string.IsNullOrWhiteSpace(o.BotTokenFile) && File.Exists(o.BotTokenFile))
                {
                    o.BotToken = File.ReadLines(o.BotTokenFile).FirstOrDefault()?.Trim();
                }
            })
            .Validate(o => string.IsNullOrWhiteSpace(o.BotTokenFile) || File.Exists(o.BotTokenFile),
                "Telegram:BotTokenFile names a file that does not exist (or Hub may not read it).")
            .Validate(o => o.Mode is "polling" or "webhook", "Telegram:Mode must be 'polling' or 'webhook'.")
            .Validate(o => !o.Enabled || !o.IsWebhook || IsValidSecret(o.WebhookSecret),
                "Telegram:WebhookSecret is required in webhook mode (1-256 characters: A-Z, a-z, 0-9, _ and -).")
            .Validate(o => !o.Enabled || IsValidToken(o.BotToken), "Telegram:BotToken must look like 123456789:AAE… (the bot's id, a colon, the secret).")
            .Validate(o => Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" && u.AbsolutePath == "/",
                "Telegram:ApiBaseUrl must be an http(s) server root such as http://127.0.0.1:8081 (no path).")
            .Validate(o => o.PollTimeoutSeconds is >= 0 and <= 50, "Telegram:PollTimeoutSeconds must be 0 to 50.")
            .Validate(o => o.UploadLimitBytes > 0, "Telegram:UploadLimitBytes must be positive.")
            .Validate(o => o.GlobalMessagesPerSecond > 0 && o.GroupMessagesPerMinute > 0 && o.PerChatInterval >= TimeSpan.Zero && o.Concurrency > 0,
                "Telegram rate limits and concurrency must be positive.")
            .ValidateOnStart();

        // Telegram API: Telegram.Bot's client, and what it lacks (send limits, file size limits)
        services.AddTelegramClient();
        services.AddSingleton<TelegramFiles>();
        services.AddSingleton<SendScheduler>();
        services.AddSingleton<BotSender>();

        // Receiving: start-up (admins, commands, webhook), the ledger and queue, polling
        services.AddSingleton<BotStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<BotStartup>());
        services.AddSingleton<UpdateLedger>();
        services.AddSingleton<UpdateQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<UpdateQueue>());
        services.AddHostedService<PollingService>();

        // Commands and menus
        services.AddSingleton<ChoiceStore>();
        services.AddSingleton<EntryLookup>();
        services.AddSingleton<HelpCommand>();
        services.AddSingleton<ImportCommand>();
        services.AddSingleton<FileImportCommand>();
        services.AddSingleton<LibraryCommand>();
        services.AddSingleton<JobsCommand>();
        services.AddSingleton<RequesterNames>();
        services.AddSingleton<CommandMenus>();
        services.AddSingleton<InboxCommand>();
        services.AddSingleton<ScanCommand>();
        services.AddSingleton<UnmatchedFiles>();
        services.AddSingleton<SettingsCommand>();
        services.AddSingleton<LinkCommand>();
        services.AddSingleton<PersonalSettingsCommand>();
        services.AddSingleton<ContactsCommand>();
        services.AddSingleton<FollowCommand>();
        services.AddSingleton<InlineSearch>();
        services.AddSingleton<CallbackRouter>();
        services.AddSingleton<UpdateRouter>();

        // Notifications: one live message per job
        services.AddSingleton<EntryLinks>();
        services.AddSingleton<EntryMedia>();
        services.AddSingleton<AdminNotices>();
        services.AddHostedService(sp => sp.GetRequiredService<AdminNotices>());
        services.AddSingleton<JobMessages>();
        services.AddSingleton<JobNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<JobNotifier>());
        services.AddHostedService<LinkedJobs>();
        return services;
    }

    /// <summary>Maps <c>POST /telegram/webhook</c>.</summary>
    public static IEndpointRouteBuilder MapHubBot(this IEndpointRouteBuilder app) => app.MapTelegramWebhook();

    /// <summary>"1,2 3" or a list (AdminIds:0, AdminIds:1).</summary>
    public static IReadOnlyList<long> ParseIds(IConfigurationSection section)
    {
        var raw = section.Value is { } value ? value.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : section.GetChildren().Select(c => c.Value ?? "").ToArray();
        return [.. raw.Select(r => long.TryParse(r, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) && id > 0 ? id
            : throw new FormatException($"Telegram:AdminIds holds '{r}', which is not a Telegram user id."))];
    }

    private static bool IsValidToken(string? token) =>
        token?.IndexOf(':', StringComparison.Ordinal) is >= 1 and <= 16 and var colon
        && long.TryParse(token.AsSpan(0, colon), NumberStyles.Integer, CultureInfo.InvariantCulture, out _);

    private static bool IsValidSecret(string? secret) =>
        secret is { Length: >= 1 and <= 256 } && secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
