using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Hub.Domain.Entries;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Media;

public sealed class MediaServerOptions
{
    /// <summary>
    /// Write <c>NAME.nfo</c> and <c>NAME-poster.jpg</c> beside each imported video, so Jellyfin, Kodi and Plex (with
    /// its local-media agent) show Hub's title, description, date, uploader and picture instead of guessing from the name.
    /// </summary>
    public bool WriteNfo { get; set; }
}

/// <summary>
/// Sidecar files for media servers, beside the media file: <c>NAME.nfo</c> in Kodi's <c>&lt;movie&gt;</c> format (Jellyfin
/// reads the same file) and <c>NAME-poster.jpg</c> (Kodi's and Jellyfin's per-file poster name), a copy of the entry's
/// thumbnail. Videos only: music servers read audio files' own tags. They move and go with the entry's file.
/// </summary>
public sealed class MediaServerFiles(IOptions<HubOptions> options, ILogger<MediaServerFiles> logger)
{
    public static string NfoPath(string mediaPath) => Path.ChangeExtension(mediaPath, ".nfo");

    public static string PosterPath(string mediaPath) =>
        Path.Combine(Path.GetDirectoryName(mediaPath)!, Path.GetFileNameWithoutExtension(mediaPath) + "-poster.jpg");

    /// <summary>Both sidecar paths of a media file (whether or not they exist).</summary>
    public static IEnumerable<string> PathsFor(string mediaPath) => [NfoPath(mediaPath), PosterPath(mediaPath)];

    /// <summary>
    /// Whether an import writes the sidecars: <paramref name="choice"/> is its subscription's option
    /// (<see cref="Subscriptions.Subscription.MediaServerFiles"/>), null (or no subscription) follows <see cref="MediaServerOptions.WriteNfo"/>.
    /// </summary>
    public bool Wanted(Entry entry, bool? choice) => (choice ?? options.Value.MediaServer.WriteNfo) && entry.MediaKind == "video";

    /// <summary>Writes the sidecars when wanted (<see cref="Wanted"/>); a failure is logged, never fails the import.</summary>
    public void Write(Entry entry, string? description, DateOnly? uploadDate, bool? choice = null)
    {
        if (!Wanted(entry, choice))
        {
            return;
        }
        Try(entry, () =>
        {
            Nfo(entry, description, uploadDate).Save(NfoPath(entry.FilePath));
            CopyPoster(entry);
        });
    }

    /// <summary>The poster alone, for a thumbnail made after the entry (<see cref="ThumbnailHandler"/>).</summary>
    public void WritePoster(Entry entry, bool? choice = null)
    {
        if (Wanted(entry, choice))
        {
            Try(entry, () => CopyPoster(entry));
        }
    }

    private static void CopyPoster(Entry entry)
    {
        if (entry.ThumbnailPath is { } thumbnail && File.Exists(thumbnail))
        {
            File.Copy(thumbnail, PosterPath(entry.FilePath), overwrite: true);
        }
    }

    private void Try(Entry entry, Action write)
    {
        try
        {
            write();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or XmlException)
        {
            logger.LogWarning("Could not write the media-server files beside {File}: {Error}", entry.FilePath, ex.Message);
        }
    }

    /// <summary>Kodi's movie NFO; remote text is escaped by XDocument and stripped of characters XML cannot hold.</summary>
    public static XDocument Nfo(Entry entry, string? description, DateOnly? uploadDate)
    {
        var movie = new XElement("movie",
            new XElement("title", Text(entry.Title)),
            new XElement("uniqueid", new XAttribute("type", "hub"), new XAttribute("default", "true"), entry.Id.ToString()));
        if (entry.Platform is { } platform && entry.SourceId is { } sourceId)
        {
            movie.Add(new XElement("uniqueid", new XAttribute("type", Text(platform)), Text(sourceId)));
        }
        if (!string.IsNullOrWhiteSpace(description)) movie.Add(new XElement("plot", Text(description)));
        if (uploadDate is { } date)
        {
            movie.Add(new XElement("premiered", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                new XElement("year", date.Year.ToString(CultureInfo.InvariantCulture)));
        }
        if (entry.Uploader is { } uploader) movie.Add(new XElement("studio", Text(uploader)));
        if (entry.DurationSeconds is double seconds && seconds > 0)
        {
            movie.Add(new XElement("runtime", Math.Max(1, (int)Math.Round(seconds / 60)).ToString(CultureInfo.InvariantCulture)));
        }
        foreach (var tag in entry.Tags) movie.Add(new XElement("tag", Text(tag)));
        if (entry.SourceUrl is { } url) movie.Add(new XElement("trailer", Text(url))); // Kodi's only URL field; Jellyfin shows it as a link
        movie.Add(new XElement("dateadded", entry.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)));
        return new XDocument(new XDeclaration("1.0", "utf-8", "yes"), movie);
    }

    private static string Text(string value) => new(value.Where(XmlConvert.IsXmlChar).ToArray());
}
