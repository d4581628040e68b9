using System.Globalization;
using Hub.Domain.Engines;
using Hub.Domain.Imports;
using Hub.Domain.Processes;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Media;

/// <summary>
/// Cuts a clip out of a whole downloaded file (a direct HTTP link, an upload) when the engine could not fetch just the
/// section: ffmpeg stream copy, so nothing is re-encoded and the cut starts at the keyframe before the start.
/// </summary>
public sealed class ClipCutter(ProcessRunner runner, FfprobeClient ffprobe, IOptions<HubOptions> options)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(30);

    /// <returns>The clip, beside <paramref name="download"/>'s file in the same work folder (the whole file is removed).</returns>
    /// <exception cref="ImportFailedException">"clip-range" when the file ends before the clip starts; "convert" when ffmpeg fails.</exception>
    public async Task<DownloadResult> CutAsync(DownloadResult download, ClipRange clip, CancellationToken cancellationToken)
    {
        // A range past the end would leave an empty file; say so instead. (A direct link's probe rarely knows the length.)
        var media = await ffprobe.ProbeAsync(download.FilePath, cancellationToken).ConfigureAwait(false);
        if (media.DurationSeconds is { } duration && clip.StartSeconds >= duration)
        {
            throw ImportFailedException.Permanent("clip-range",
                $"The clip starts at {ClipRange.Format(clip.StartSeconds)} but the video is only {ClipRange.Format(duration)} long.");
        }
        var input = Path.GetFullPath(download.FilePath);
        var ext = Path.GetExtension(input);
        var output = Path.Combine(Path.GetDirectoryName(input)!, "clip" + (ext.Length > 0 ? ext : ".mkv"));
        List<string> args = ["-hide_banner", "-v", "error", "-nostdin", "-y", "-protocol_whitelist", FfprobeClient.LocalProtocols,
            "-ss", Seconds(clip.StartSeconds), "-to", Seconds(clip.EndSeconds), "-i", input,
            "-map", "0", "-c", "copy", "-map_metadata", "0", "-avoid_negative_ts", "make_zero", output];
        ProcessResult result;
        try
        {
            result = await runner.RunAsync(new ProcessSpec(options.Value.Tools.FFmpeg, args) { Timeout = Timeout }, cancellationToken).ConfigureAwait(false);
        }
        catch (ToolNotFoundException ex)
        {
            throw ImportFailedException.Retryable("tool-missing", "ffmpeg is not installed on this server, so the clip cannot be cut.", ex);
        }
        if (!result.Succeeded || !File.Exists(output) || new FileInfo(output).Length == 0)
        {
            throw ImportFailedException.Permanent("convert", $"The clip could not be cut from '{download.FileName}' (ffmpeg: {FfprobeClient.Reason(result.Stderr, input)}).");
        }
        File.Delete(input); // only the clip goes on
        return download with { FilePath = output, SizeBytes = new FileInfo(output).Length, Sha256 = null, Clipped = true };
    }

    private static string Seconds(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
