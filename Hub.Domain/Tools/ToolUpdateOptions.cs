namespace Hub.Domain.Tools;

/// <summary>
/// The <c>Hub:ToolUpdates</c> section: where Hub fetches its own yt-dlp from, which channel, how it proves the download
/// is the real release (the sums file and its signature by a pinned key), and the canary run after an update.
/// </summary>
public sealed class ToolUpdateOptions
{
    public const string Section = "Hub:ToolUpdates";

    /// <summary>The weekly scheduled check (through the job queue): on, since video sites change weekly; off for air-gapped installs.</summary>
    public bool Scheduled { get; set; } = true;

    /// <summary>"stable", "nightly", or a pinned release such as "2025.12.08".</summary>
    public string Channel { get; set; } = "stable";

    /// <summary>
    /// The folder URL holding the release files (the asset, SHA2-256SUMS, SHA2-256SUMS.sig), for mirrors and air-gapped
    /// installs; "{version}" is replaced by a pinned channel's version. Empty: yt-dlp's own GitHub releases.
    /// </summary>
    public string? ReleaseUrl { get; set; }

    /// <summary>The release file to install: "yt-dlp" (runs on the system's Python 3.9+) or e.g. "yt-dlp_linux" (self-contained).</summary>
    public string Asset { get; set; } = "yt-dlp";

    /// <summary>An OpenPGP public key (armored or binary) that must have signed SHA2-256SUMS. Empty: yt-dlp's signing key, pinned in Hub.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>A page the new build must be able to read (yt-dlp -J) before it stays; empty skips the canary.</summary>
    public string? CanaryUrl { get; set; } = "https://www.youtube.com/watch?v=jNQXAC9IVRw";

    public TimeSpan CanaryTimeout { get; set; } = TimeSpan.FromSeconds(90);

    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Health turns Degraded when the yt-dlp in use is older than this.</summary>
    public int MaxAgeDays { get; set; } = 60;

    public const string StableUrl = "https://github.com/yt-dlp/yt-dlp/releases/latest/download/";
    public const string NightlyUrl = "https://github.com/yt-dlp/yt-dlp-nightly-builds/releases/latest/download/";
    public const string PinnedUrl = "https://github.com/yt-dlp/yt-dlp/releases/download/{version}/";

    public bool IsPinned(string channel) => channel is not ("stable" or "nightly");

    /// <summary>The release folder for a channel, always ending in '/'.</summary>
    public Uri ReleaseFolder(string channel)
    {
        var template = !string.IsNullOrWhiteSpace(ReleaseUrl) ? ReleaseUrl.Trim()
            : channel == "stable" ? StableUrl : channel == "nightly" ? NightlyUrl : PinnedUrl;
        var folder = IsPinned(channel) ? channel : "latest";
        var url = template.Replace("{version}", folder, StringComparison.Ordinal).Replace("%7Bversion%7D", folder, StringComparison.OrdinalIgnoreCase);
        return new Uri(url.EndsWith('/') ? url : url + "/");
    }

    /// <summary>Configuration mistakes, in words; empty when the section is fine.</summary>
    public IEnumerable<string> Validate()
    {
        if (!IsValidChannel(Channel))
        {
            yield return $"Hub:ToolUpdates:Channel '{Channel}' is not stable, nightly or a release like 2025.12.08.";
        }
        if (!string.IsNullOrWhiteSpace(ReleaseUrl) && !Uri.TryCreate(ReleaseUrl.Replace("{version}", "v", StringComparison.Ordinal), UriKind.Absolute, out _))
        {
            yield return $"Hub:ToolUpdates:ReleaseUrl '{ReleaseUrl}' is not an absolute URL.";
        }
        if (string.IsNullOrWhiteSpace(Asset) || Asset.Contains('/') || Asset.Contains(".."))
        {
            yield return $"Hub:ToolUpdates:Asset '{Asset}' must be a file name.";
        }
        if (!string.IsNullOrWhiteSpace(CanaryUrl) && !Uri.TryCreate(CanaryUrl, UriKind.Absolute, out _))
        {
            yield return $"Hub:ToolUpdates:CanaryUrl '{CanaryUrl}' is not an absolute URL.";
        }
    }

    /// <summary>A channel name, or a release tag (digits and dots, as yt-dlp names them).</summary>
    public static bool IsValidChannel(string? channel) =>
        channel is "stable" or "nightly" || YtDlpVersion.TryParseDate(channel, out _);
}
