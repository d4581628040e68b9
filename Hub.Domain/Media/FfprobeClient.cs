using Hub.Domain.Imports;
using Hub.Domain.Processes;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Media;

/// <summary>Runs ffprobe on a local file and normalises what it says.</summary>
public sealed class FfprobeClient(ProcessRunner runner, IOptions<HubOptions> options)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// What ffmpeg's readers may open while they read a downloaded file: the file itself, nothing on the network. A
    /// "video" that is really an HLS or DASH playlist would otherwise make ffprobe (or the thumbnail step) fetch the
    /// URLs inside it, past the egress guard.
    /// </summary>
    public const string LocalProtocols = "file,crypto,data";

    /// <exception cref="ImportFailedException">"not-media" (permanent) when ffprobe cannot read the file.</exception>
    public async Task<MediaInfo> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        // An absolute path given to -i can neither be read as an option nor as a protocol ("http:", "concat:").
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException("There is no file to probe.", full);
        }
        var spec = new ProcessSpec(options.Value.Tools.FFprobe,
            ["-v", "error", "-protocol_whitelist", LocalProtocols, "-print_format", "json", "-show_format", "-show_streams", "-i", full]) { Timeout = Timeout };
        ProcessResult result;
        try
        {
            result = await runner.RunAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        catch (ProcessTimeoutException ex)
        {
            throw ImportFailedException.Retryable("timeout", $"ffprobe took longer than {Timeout.TotalSeconds:0} s on {Path.GetFileName(full)}.", ex);
        }
        catch (ToolNotFoundException ex)
        {
            throw ImportFailedException.Retryable("tool-missing", "ffprobe is not installed on this server.", ex);
        }
        if (!result.Succeeded)
        {
            throw NotMedia(full, Reason(result.Stderr, full));
        }
        try
        {
            return FfprobeParser.Parse(result.Stdout);
        }
        catch (FormatException ex)
        {
            throw NotMedia(full, ex.Message, ex);
        }
    }

    private static ImportFailedException NotMedia(string path, string reason, Exception? inner = null) =>
        ImportFailedException.Permanent("not-media", $"{Path.GetFileName(path)} is not a playable media file (ffprobe: {reason}).", inner);

    /// <summary>The last stderr line, without the "/path/to/file: " prefix ffprobe puts in front.</summary>
    internal static string Reason(string stderr, string path)
    {
        var line = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "unknown error";
        var prefix = path + ": ";
        return line.StartsWith(prefix, StringComparison.Ordinal) ? line[prefix.Length..] : line;
    }
}
