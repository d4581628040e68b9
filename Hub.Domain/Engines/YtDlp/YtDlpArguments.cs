using System.Globalization;
using Hub.Domain.Imports;

namespace Hub.Domain.Engines.YtDlp;

/// <summary>
/// The yt-dlp command lines, built as argument lists. Every call starts with <c>--ignore-config --no-warnings</c>
/// (no user config can change behaviour; warnings would pollute stderr) and ends with <c>-- &lt;url&gt;</c>, so a URL or
/// search term starting with '-' can never be read as an option.
/// </summary>
internal static class YtDlpArguments
{
    public const string ProgressPrefix = "PROG ";
    public const string FilePrefix = "FILE ";
    public const string InfoPrefix = "INFO ";

    /// <summary>The fields the download prints as JSON after the move, so one run yields the file and its metadata.</summary>
    private const string InfoFields =
        "id,title,uploader,channel,artist,creator,extractor,extractor_key,duration,webpage_url,original_url,upload_date,"
        + "ext,thumbnail,description,filesize,filesize_approx,vcodec,acodec,width,height";

    public static List<string> Probe(Uri url, YtDlpSiteOptions site)
    {
        var args = Common();
        args.AddRange(["-J", "--flat-playlist"]);
        AddCookies(args, site);
        args.AddRange(["--", url.AbsoluteUri]);
        return args;
    }

    /// <summary>A search term such as "ytsearch10:some words".</summary>
    public static List<string> Search(string prefix, int limit, string query)
    {
        var args = Common();
        args.AddRange(["-J", "--flat-playlist", "--", $"{prefix}{limit.ToString(CultureInfo.InvariantCulture)}:{query}"]);
        return args;
    }

    /// <param name="ffmpegLocation">Passed as --ffmpeg-location when Hub is configured with a specific ffmpeg; null to use PATH.</param>
    /// <param name="subtitles">Which subtitle languages to fetch beside a video (as WebVTT); null or none fetches none.</param>
    public static List<string> Download(Uri url, string workDir, string preset, YtDlpSiteOptions site, long? maxBytes, string? ffmpegLocation,
        Media.SubtitleChoice? subtitles = null, ClipRange? clip = null)
    {
        var args = Common();
        args.AddRange([
            "--newline", "--progress",
            "--progress-template", "download:" + ProgressPrefix + "%(progress)j",
            "--print", "after_move:" + FilePrefix + "%(filepath)s",
            "--print", "after_move:" + InfoPrefix + "%(.{" + InfoFields + "})j",
            // --print implies --simulate; we want the download.
            "--no-simulate",
            // One item per job: playlists are expanded into child jobs from the probe, never downloaded in one go.
            "--no-playlist", "--playlist-items", "1",
            // .part files stay, so a retry in the same work folder resumes instead of starting over.
            "--continue",
            // The file's time is when Hub got it, not the server's Last-Modified.
            "--no-mtime",
            "-o", Path.Combine(workDir, "%(id)s.%(ext)s"),
            // yt-dlp's own downloaders for every protocol (HLS and DASH segments included): they honour the egress
            // proxy like the page requests do. ffmpeg, where yt-dlp still needs it (live HLS), inherits the proxy too.
            "--downloader", "native",
            // A fragment that cannot be had (refused by the egress guard, or gone) fails the run instead of leaving a
            // hole in the file; it is also the only way its reason reaches stderr, since --print implies --quiet.
            "--abort-on-unavailable-fragments",
            "-f", FormatFor(preset),
        ]);
        switch (preset)
        {
            case FormatPresets.AudioBest:
                args.Add("-x");
                break;
            case FormatPresets.AudioMp3:
                args.AddRange(["-x", "--audio-format", "mp3"]);
                break;
            default:
                args.AddRange(["--merge-output-format", "mp4"]);
                break;
        }
        args.AddRange(["--write-thumbnail", "--convert-thumbnails", "jpg"]);
        if (subtitles is { Languages.Count: > 0 } && !FormatPresets.IsAudio(preset))
        {
            // Written as ID.LANG.vtt beside the media. Languages the page lacks are simply not fetched. (Not --ignore-errors:
            // it would also let a failed media download pass.)
            args.AddRange(["--write-subs", "--sub-langs", string.Join(',', subtitles.Languages), "--sub-format", "vtt/srt/best", "--convert-subs", "vtt"]);
            if (subtitles.AutomaticCaptions) args.Add("--write-auto-subs");
        }
        if (clip is not null)
        {
            // Only that section is fetched (yt-dlp hands the range to ffmpeg, which copies from the keyframe before the start).
            args.AddRange(["--download-sections", clip.YtDlpSection()]);
        }
        if (maxBytes is > 0)
        {
            args.AddRange(["--max-filesize", maxBytes.Value.ToString(CultureInfo.InvariantCulture)]);
        }
        if (site.RateLimit is { } rate)
        {
            args.AddRange(["--limit-rate", rate]);
        }
        AddCookies(args, site);
        if (ffmpegLocation is not null)
        {
            args.AddRange(["--ffmpeg-location", ffmpegLocation]);
        }
        args.AddRange(["--", url.AbsoluteUri]);
        return args;
    }

    /// <summary>yt-dlp's -f expression for each preset; every one falls back to the best single file.</summary>
    public static string FormatFor(string preset) => preset switch
    {
        FormatPresets.VideoBest => "bv*+ba/b",
        FormatPresets.Video1080 => "bv*[height<=1080]+ba/b[height<=1080]/b",
        FormatPresets.Video720 => "bv*[height<=720]+ba/b[height<=720]/b",
        FormatPresets.AudioBest or FormatPresets.AudioMp3 => "ba/b",
        _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "Unknown format preset."),
    };

    private static List<string> Common() => ["--ignore-config", "--no-warnings"];

    private static void AddCookies(List<string> args, YtDlpSiteOptions site)
    {
        if (site.CookiesFile is { } cookies)
        {
            args.AddRange(["--cookies", cookies]);
        }
    }
}
