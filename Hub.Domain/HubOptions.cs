using System.ComponentModel.DataAnnotations;

namespace Hub.Domain;

/// <summary>The <c>Hub</c> configuration section.</summary>
public sealed class HubOptions
{
    public const string Section = "Hub";

    /// <summary>Where Hub keeps its private database, media and temp files.</summary>
    [Required]
    public string DataDir { get; set; } = "./data";

    /// <summary>Root of the libraries' relative folders; defaults to DataDir/media.</summary>
    public string? MediaDir { get; set; }

    /// <summary>Where downloads are written before they are placed; defaults to DataDir/tmp.</summary>
    public string? TempDir { get; set; }

    /// <summary>The address people reach Hub at (for links in chats and M3U files), e.g. https://hub.example.org.</summary>
    public string? PublicUrl { get; set; }

    public DatabaseOptions Database { get; set; } = new();

    public Processes.ToolOptions Tools { get; set; } = new();

    public Engines.YtDlp.YtDlpOptions YtDlp { get; set; } = new();

    public Net.NetworkOptions Network { get; set; } = new();

    public Media.SubtitleOptions Subtitles { get; set; } = new();

    public Engines.Torrent.TorrentOptions Torrents { get; set; } = new();

    public Media.Archives.ArchiveOptions Archives { get; set; } = new();

    public Notifications.NotificationOptions Notifications { get; set; } = new();

    public Media.MediaServerOptions MediaServer { get; set; } = new();

    public Imports.UploadOptions Uploads { get; set; } = new();

    public string FullDataDir => Path.GetFullPath(DataDir);
    public string FullMediaDir => Path.GetFullPath(MediaDir ?? Path.Combine(FullDataDir, "media"));
    public string FullTempDir => Path.GetFullPath(TempDir ?? Path.Combine(FullDataDir, "tmp"));
}
