using System.Text.Json;
using Hub.Bot.Telegram;
using Hub.Domain.Entries;
using Hub.Domain.Media;
using Microsoft.Extensions.Options;

namespace Hub.Bot.Notifications;

/// <summary>
/// Sends an entry's file itself into a chat when it fits what the Bot API accepts from bots (50 MB in the cloud,
/// <c>Telegram:UploadLimitBytes</c> with a local Bot API server): video with duration, size, cover and streaming,
/// audio with title, performer, duration and cover, the title as caption. Bigger files are reached by their link.
/// </summary>
public sealed class EntryMedia(BotSender sender, PendingThumbnails thumbnails, IOptions<TelegramOptions> options)
{
    /// <summary>Telegram takes a thumbnail only as a JPEG under 200 KB; a bigger one is left out.</summary>
    private const long MaxThumbnailBytes = 200 * 1024;

    /// <summary>How long a file just imported waits for its thumbnail (made by a follow-up job) before it goes without.</summary>
    private static readonly TimeSpan ThumbnailWait = TimeSpan.FromSeconds(15);

    public bool Fits(Entry entry) => entry.SizeBytes <= options.Value.UploadLimitBytes && File.Exists(entry.FilePath);

    public async Task SendAsync(long chatId, Entry entry, CancellationToken cancellationToken)
    {
        entry = await thumbnails.AwaitAsync(entry, ThumbnailWait, cancellationToken).ConfigureAwait(false);
        await sender.SendMediaAsync(chatId, Upload(entry), cancellationToken).ConfigureAwait(false);
    }

    public static MediaUpload Upload(Entry entry)
    {
        var props = entry.Properties.RootElement;
        var thumb = entry.ThumbnailPath is { } t && File.Exists(t) && new FileInfo(t).Length <= MaxThumbnailBytes ? t : null;
        var ext = Path.GetExtension(entry.FilePath);
        return new MediaUpload(entry.FilePath, entry.MediaKind, entry.Title)
        {
            FileName = SafeName(entry.Title) + ext,
            DurationSeconds = entry.DurationSeconds is { } d ? (int)Math.Round(d) : null,
            Width = Int(props, "width"),
            Height = Int(props, "height"),
            ThumbnailPath = thumb,
            Title = entry.MediaKind == "audio" ? entry.Title : null,
            Performer = entry.MediaKind == "audio" ? entry.Uploader : null,
        };
    }

    private static int? Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private static string SafeName(string title)
    {
        var clean = new string([.. title.Select(c => Path.GetInvalidFileNameChars().Contains(c) || char.IsControl(c) ? '_' : c)]).Trim();
        return clean.Length == 0 ? "media" : clean.Length > 100 ? clean[..100] : clean;
    }
}
