using System.Globalization;
using Hub.Domain.Processes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Media;

/// <summary>Makes a JPEG thumbnail (at most 640 px wide) from a video frame, or from an audio file's cover art.</summary>
public sealed class ThumbnailExtractor(ProcessRunner runner, IOptions<HubOptions> options, ILogger<ThumbnailExtractor> logger)
{
    public const int MaxWidth = 640;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Tries, in order: a real video frame at about 10 % of the duration (1 s when unknown); the first real frame (for a
    /// seek past the end); the first video stream of any kind, which is how an attached picture (cover art) is read.
    /// </summary>
    /// <returns>The JPEG path, or null when the file has no picture to give (plain audio, not media at all).</returns>
    public async Task<string?> ExtractAsync(string mediaPath, string outputJpegPath, double? durationSeconds, CancellationToken cancellationToken)
    {
        var input = Path.GetFullPath(mediaPath);
        var output = Path.GetFullPath(outputJpegPath);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var at = durationSeconds is > 0 ? durationSeconds.Value * 0.1 : 1.0;

        // "V" selects video that is not cover art; "v" any video stream. The trailing '?' makes an absent stream not an error.
        var (ok, noStream) = await TryAsync(input, output, at, "0:V:0?", cancellationToken).ConfigureAwait(false);
        if (!ok && !noStream && at > 0)
        {
            (ok, noStream) = await TryAsync(input, output, null, "0:V:0?", cancellationToken).ConfigureAwait(false);
        }
        if (!ok && noStream)
        {
            (ok, _) = await TryAsync(input, output, null, "0:v:0?", cancellationToken).ConfigureAwait(false);
        }
        return ok ? output : null;
    }

    private async Task<(bool Ok, bool NoStream)> TryAsync(string input, string output, double? seek, string map, CancellationToken cancellationToken)
    {
        List<string> args = ["-hide_banner", "-v", "error", "-nostdin", "-y", "-protocol_whitelist", FfprobeClient.LocalProtocols];
        if (seek is { } s)
        {
            args.AddRange(["-ss", s.ToString("0.###", CultureInfo.InvariantCulture)]);
        }
        args.AddRange(["-i", input, "-map", map, "-frames:v", "1",
            "-vf", $"scale=w='min({MaxWidth},iw)':h=-2", "-q:v", "3", "-f", "image2", "-c:v", "mjpeg", output]);
        File.Delete(output);
        ProcessResult result;
        try
        {
            // Below normal priority: a thumbnail is made after its entry is visible; a burst of imports goes first.
            result = await runner.RunAsync(new ProcessSpec(options.Value.Tools.FFmpeg, args) { Timeout = Timeout, Background = true }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ProcessTimeoutException ex)
        {
            logger.LogWarning(ex, "Thumbnail extraction timed out for {File}", Path.GetFileName(input));
            return (false, false);
        }
        var ok = result.Succeeded && File.Exists(output) && new FileInfo(output).Length > 0;
        if (!ok)
        {
            File.Delete(output);
            if (!result.Succeeded)
            {
                logger.LogDebug("ffmpeg made no thumbnail from {File}: {Error}", Path.GetFileName(input), result.Stderr.Trim());
            }
        }
        return (ok, result.Stderr.Contains("does not contain any stream", StringComparison.Ordinal));
    }
}
