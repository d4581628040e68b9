using Hub.Domain.Engines.Http;

namespace Hub.Domain.Engines.Torrent;

/// <summary>Which files of a torrent Hub downloads: audio and video only (never executables or extras), big enough to be the real thing.</summary>
public static class TorrentFiles
{
    public static bool IsMedia(string path)
    {
        var ext = Path.GetExtension(path);
        return HttpMediaTypes.VideoExtensions.Contains(ext) || HttpMediaTypes.AudioExtensions.Contains(ext);
    }

    /// <summary>The files to fetch: the media files at least <paramref name="minBytes"/> long (any size when the torrent has one media file).</summary>
    public static IReadOnlyList<Aria2File> Select(IReadOnlyList<Aria2File> files, long minBytes)
    {
        var media = files.Where(f => IsMedia(f.Path)).ToList();
        return media.Count <= 1 ? media : [.. media.Where(f => f.Length >= minBytes)];
    }

    /// <summary>A short list of what a torrent holds, for the error that says it holds no media.</summary>
    public static string Describe(IReadOnlyList<Aria2File> files) =>
        string.Join(", ", files.Take(5).Select(f => Path.GetFileName(f.Path))) + (files.Count > 5 ? $" and {files.Count - 5} more" : "");
}
