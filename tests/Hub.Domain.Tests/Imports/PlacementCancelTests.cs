using Hub.Domain.Jobs;
using Hub.Testing;

namespace Hub.Domain.Tests.Imports;

/// <summary>The pipeline with an ffmpeg stand-in whose thumbnail call marks that it started, then takes its time.</summary>
public sealed class SlowThumbnailFixture : PipelineFixture
{
    public static readonly string ToolDir = Path.Combine(Path.GetTempPath(), "hub-slow-ffmpeg-" + Guid.NewGuid().ToString("N")[..8]);
    public static string Started => Path.Combine(ToolDir, "thumbnail-started");

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            Directory.CreateDirectory(ToolDir);
            var path = Path.Combine(ToolDir, "ffmpeg");
            File.WriteAllText(path, $$"""
                #!/bin/bash
                case "$*" in *mjpeg*) touch '{{Started}}'; sleep 60 ;; esac
                exec ffmpeg "$@"
                """);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            settings["Hub:Tools:FFmpeg"] = path;
            return settings;
        }
    }
}

public sealed class PlacementCancelTests(SlowThumbnailFixture fx) : IClassFixture<SlowThumbnailFixture>
{
    [Fact]
    public async Task CancelledWhileTheThumbnailIsMade_TakesThePlacedFileBackOutOfTheLibrary()
    {
        // The file is already in the library folder when the thumbnail is made; a cancel (or a lost lease) then must
        // not leave it there without an entry.
        var job = await fx.ImportAsync(fx.Site.Url("clip.mp4").AbsoluteUri);
        await Eventually.UntilAsync(() => Task.FromResult(File.Exists(SlowThumbnailFixture.Started)), "the thumbnail to start", TimeSpan.FromSeconds(60));
        var media = Path.Combine(fx.DataDir, "media");
        Assert.NotEmpty(Directory.EnumerateFiles(media, "*.mp4", SearchOption.AllDirectories));

        await fx.Get<JobQueue>().CancelAsync(job.Id, "test", CancellationToken.None);
        var cancelled = await fx.WaitAsync(job.Id);

        Assert.Equal(JobStates.Cancelled, cancelled.State);
        Assert.Null(cancelled.EntryId);
        Assert.Empty(Directory.EnumerateFiles(media, "*", SearchOption.AllDirectories));
    }
}
