using Hub.Domain.Engines;
using Hub.Domain.Imports;
using Hub.Domain.Processes;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Media;

/// <summary>
/// Keeps only the sound of a downloaded video, for an audio format chosen where the engine could only fetch the video
/// (a direct .mp4 link, an upload): MP3 is encoded, the best audio is copied as it is into a container that fits it.
/// </summary>
public sealed class AudioExtractor(ProcessRunner runner, IOptions<HubOptions> options)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(30);

    /// <summary>Whether the file must lose its picture for the format to hold: an audio format, and a real video stream.</summary>
    public static bool Applies(string format, MediaInfo media) => FormatPresets.IsAudio(format) && media.MediaKind == "video";

    /// <returns>The audio file, beside <paramref name="download"/>'s in the same work folder.</returns>
    /// <exception cref="ImportFailedException">"no-audio" when the video has no sound to keep; "convert" when ffmpeg fails.</exception>
    public async Task<DownloadResult> ExtractAsync(DownloadResult download, MediaInfo media, string format, CancellationToken cancellationToken)
    {
        if (media.AudioCodec is null)
        {
            throw ImportFailedException.Permanent("no-audio", $"'{download.FileName}' is a video without sound, so there is no audio to keep; import it as video instead.");
        }
        var mp3 = format == FormatPresets.AudioMp3;
        var ext = mp3 ? "mp3" : ContainerFor(media.AudioCodec);
        var input = Path.GetFullPath(download.FilePath);
        var output = Path.Combine(Path.GetDirectoryName(input)!, "audio-only." + ext);
        List<string> args = ["-hide_banner", "-v", "error", "-nostdin", "-y", "-protocol_whitelist", FfprobeClient.LocalProtocols,
            "-i", input, "-map", "0:a:0", "-vn", "-map_metadata", "0"];
        args.AddRange(mp3 ? ["-c:a", "libmp3lame", "-q:a", "2"] : ["-c:a", "copy"]);
        args.Add(output);
        ProcessResult result;
        try
        {
            result = await runner.RunAsync(new ProcessSpec(options.Value.Tools.FFmpeg, args) { Timeout = Timeout }, cancellationToken).ConfigureAwait(false);
        }
        catch (ToolNotFoundException ex)
        {
            throw ImportFailedException.Retryable("tool-missing", "ffmpeg is not installed on this server, so the sound cannot be taken out of the video.", ex);
        }
        if (!result.Succeeded || !File.Exists(output))
        {
            throw ImportFailedException.Permanent("convert", $"The sound could not be taken out of '{download.FileName}' (ffmpeg: {FfprobeClient.Reason(result.Stderr, input)}).");
        }
        File.Delete(input); // the video is not what was asked for; only the audio goes on
        var name = Path.GetFileNameWithoutExtension(download.FileName) + "." + ext;
        return new DownloadResult(output, name, new FileInfo(output).Length, null, null, download.ThumbnailPath) { Metadata = download.Metadata };
    }

    /// <summary>A container that holds the codec as it is (no re-encoding for "best audio").</summary>
    internal static string ContainerFor(string codec) => codec switch
    {
        "aac" or "alac" => "m4a",
        "mp3" => "mp3",
        "opus" => "opus",
        "vorbis" => "ogg",
        "flac" => "flac",
        _ => "mka",
    };
}
