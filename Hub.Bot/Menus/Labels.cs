using Hub.Domain.Engines;
using Hub.Domain.Jobs;

namespace Hub.Bot.Menus;

/// <summary>
/// One set of human labels for what Hub keeps as ids: formats, job states, doors, platforms. Every message and button
/// uses these, so the preview, /settings and /jobs say the same thing.
/// </summary>
public static class Labels
{
    public const string HeadingVerb = "hd";

    /// <summary>A row heading inside a keyboard ("📁 Library"): a full-width button that does nothing when pressed.</summary>
    public static global::Telegram.Bot.Types.ReplyMarkups.InlineKeyboardButton[] Heading(string text) =>
        [global::Telegram.Bot.Types.ReplyMarkups.InlineKeyboardButton.WithCallbackData("— " + text + " —", HeadingVerb)];

    public static string Format(string? preset) => preset switch
    {
        null or "" => "Default",
        FormatPresets.VideoBest => "Best video",
        FormatPresets.Video1080 => "1080p",
        FormatPresets.Video720 => "720p",
        FormatPresets.AudioBest => "Best audio",
        FormatPresets.AudioMp3 => "MP3",
        _ => preset,
    };

    public static string State(string state) => state switch
    {
        JobStates.Queued => "queued",
        JobStates.Probing => "looking at it",
        JobStates.AwaitingReview => "waiting for approval",
        JobStates.Downloading => "downloading",
        JobStates.Processing => "processing",
        JobStates.Retrying => "retrying",
        JobStates.Stalled => "stalled",
        JobStates.Completed => "done",
        JobStates.Failed => "failed",
        JobStates.Cancelled => "cancelled",
        _ => state.Replace('_', ' '),
    };

    public static string Door(string door) => door switch
    {
        "bot" => "Telegram",
        "web" => "the web page",
        "api" => "the API",
        "mcp" => "an AI assistant",
        "extension" => "the browser extension",
        "cli" => "the command line",
        _ => door,
    };

    /// <summary>A site's name rather than the extractor that read it ("html5", "generic" say how, not where).</summary>
    public static string? Platform(string? platform, string? url)
    {
        if (platform is null or "" or "generic" or "html5" or "http" or "direct")
        {
            return Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.Host : null;
        }
        return platform switch
        {
            "youtube" => "YouTube",
            "vimeo" => "Vimeo",
            "soundcloud" => "SoundCloud",
            "twitter" => "X (Twitter)",
            "instagram" => "Instagram",
            "tiktok" => "TikTok",
            _ => platform,
        };
    }
}
