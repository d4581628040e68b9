namespace Hub.Domain.Engines;

/// <summary>The format presets every door offers.</summary>
public static class FormatPresets
{
    public const string VideoBest = "video_best";
    public const string Video1080 = "video_1080";
    public const string Video720 = "video_720";
    public const string AudioBest = "audio_best";
    public const string AudioMp3 = "audio_mp3";

    public static readonly IReadOnlyList<string> All = [VideoBest, Video1080, Video720, AudioBest, AudioMp3];

    public static bool IsValid(string? preset) => preset is not null && All.Contains(preset);

    public static bool IsAudio(string preset) => preset is AudioBest or AudioMp3;
}
