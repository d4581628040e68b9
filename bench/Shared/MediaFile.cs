using System.Diagnostics;
using System.Globalization;

namespace Hub.Bench;

/// <summary>Real media for benchmarks: raw video frames in Matroska (ffprobe accepts it, no encoding time), made once.</summary>
public static class MediaFile
{
    /// <summary>A 1280×720 yuv420p raw-video Matroska of about <paramref name="mebibytes"/> MiB at <paramref name="path"/>.</summary>
    public static async Task<long> EnsureAsync(string path, int mebibytes)
    {
        if (File.Exists(path) && File.Exists(path + ".ok"))
        {
            return new FileInfo(path).Length;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        const double FrameBytes = 1280 * 720 * 1.5;
        var frames = (int)Math.Ceiling(mebibytes * 1048576.0 / FrameBytes);
        Console.WriteLine($"writing {mebibytes} MiB of raw video to {path} once…");
        var psi = new ProcessStartInfo("ffmpeg") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25",
            "-frames:v", frames.ToString(CultureInfo.InvariantCulture), "-c:v", "rawvideo", "-pix_fmt", "yuv420p", path })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("ffmpeg did not start");
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException("ffmpeg failed: " + err);
        await File.WriteAllTextAsync(path + ".ok", "");
        return new FileInfo(path).Length;
    }
}
