namespace Hub.Bot;

/// <summary>The <c>Telegram</c> configuration section. Without a bot token Hub runs without the bot.</summary>
public sealed class TelegramOptions
{
    public const string Section = "Telegram";
    public const string DefaultApiBaseUrl = "https://api.telegram.org";

    /// <summary>From @BotFather. Never logged. Better given through <see cref="BotTokenFile"/> or the environment than on a command line, where `ps` shows it.</summary>
    public string? BotToken { get; set; }

    /// <summary>A file holding the bot token (its first line), read at start when <see cref="BotToken"/> is not set (e.g. a Docker or systemd secret).</summary>
    public string? BotTokenFile { get; set; }

    /// <summary>The Bot API server root (scheme, host and port only); the client calls {ApiBaseUrl}/bot{token}/{method}.</summary>
    public string ApiBaseUrl { get; set; } = DefaultApiBaseUrl;

    /// <summary>
    /// The Bot API server is the telegram-test-api emulator: its replies are rewritten into Telegram's shapes
    /// (see <see cref="Telegram.EmulatorCompatibilityHandler"/>). For tests; never needed against Telegram.
    /// </summary>
    public bool EmulatorQuirks { get; set; }

    /// <summary>Numeric Telegram user ids made admins at start (comma-separated or a list).</summary>
    public IReadOnlyList<long> AdminIds { get; set; } = [];

    /// <summary>polling (default) or webhook.</summary>
    public string Mode { get; set; } = "polling";

    /// <summary>Checked against X-Telegram-Bot-Api-Secret-Token in webhook mode (required there).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>The public https root Telegram posts webhooks to ({PublicUrl}/telegram/webhook); defaults to Hub:PublicUrl.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>A local Bot API server (telegram-bot-api --local) lifts the 20 MB download and 50 MB upload limits.</summary>
    public bool LocalApiServer { get; set; }

    /// <summary>Long-poll timeout in seconds; the HTTP timeout of getUpdates is this plus a margin.</summary>
    public int PollTimeoutSeconds { get; set; } = 25;

    /// <summary>Outgoing messages per second over all chats (Telegram allows about 30).</summary>
    public int GlobalMessagesPerSecond { get; set; } = 25;

    /// <summary>Least time between two messages to one chat.</summary>
    public TimeSpan PerChatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages per minute to one group.</summary>
    public int GroupMessagesPerMinute { get; set; } = 20;

    /// <summary>Least time between two progress edits of a job's message.</summary>
    public TimeSpan ProgressEditInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// In groups the bot takes links only from messages that mention it or reply to it; with this on, it also takes
    /// links anyone allowed posts in the group.
    /// </summary>
    public bool GroupLinks { get; set; }

    /// <summary>Updates handled at once (one person's updates always in order).</summary>
    public int Concurrency { get; set; } = 8;

    public const long CloudDownloadLimit = 20L * 1024 * 1024;
    public const long CloudUploadLimit = 50L * 1024 * 1024;

    public long DownloadLimitBytes => LocalApiServer ? long.MaxValue : CloudDownloadLimit;
    private long? _uploadLimit;

    /// <summary>
    /// The largest file the bot sends into a chat (bigger ones get their link): 50 MB in the cloud, 2000 MB with a
    /// local Bot API server; set <c>Telegram:UploadLimitBytes</c> for another server's limit.
    /// </summary>
    public long UploadLimitBytes
    {
        get => _uploadLimit ?? (LocalApiServer ? 2000L * 1024 * 1024 : CloudUploadLimit);
        set => _uploadLimit = value;
    }

    public bool Enabled => !string.IsNullOrWhiteSpace(BotToken);
    public bool IsWebhook => string.Equals(Mode, "webhook", StringComparison.OrdinalIgnoreCase);
}
