namespace Hub.Domain.Processes;

/// <summary>The <c>Hub:Tools</c> section: which programs Hub runs. Names are looked up on PATH.</summary>
public sealed class ToolOptions
{
    public string YtDlp { get; set; } = "yt-dlp";
    public string FFprobe { get; set; } = "ffprobe";
    public string FFmpeg { get; set; } = "ffmpeg";
    public string Aria2c { get; set; } = "aria2c";
}
