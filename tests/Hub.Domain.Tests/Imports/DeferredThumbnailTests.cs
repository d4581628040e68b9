using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Media;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Tests.Imports;

/// <summary>The pipeline with an ffmpeg stand-in whose thumbnail call marks that it started, then waits to be released.</summary>
public sealed class SlowThumbnailFixture : PipelineFixture
{
    public static readonly string ToolDir = Path.Combine(Path.GetTempPath(), "hub-slow-ffmpeg-" + Guid.NewGuid().ToString("N")[..8]);
    public static string Started => Path.Combine(ToolDir, "thumbnail-started");
    public static string Release => Path.Combine(ToolDir, "thumbnail-release");

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            Directory.CreateDirectory(ToolDir);
            var path = Path.Combine(ToolDir, "ffmpeg");
            File.WriteAllText(path, $$"""
                #!/bin/bash
                case "$*" in *mjpeg*) touch '{{Started}}'; while [ ! -e '{{Release}}' ]; do sleep 0.1; done ;; esac
                exec ffmpeg "$@"
                """);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            settings["Hub:Tools:FFmpeg"] = path;
            settings["Hub:MediaServer:WriteNfo"] = "true";
            return settings;
        }
    }
}

public sealed class DeferredThumbnailTests(SlowThumbnailFixture fx) : IClassFixture<SlowThumbnailFixture>
{
    [Fact]
    public async Task Import_CompletesBeforeItsThumbnailExists_ThenTheThumbnailJobFillsItIn()
    {
        var job = await fx.ImportAsync(fx.Site.Url("clip.mp4").AbsoluteUri);
        var done = await fx.WaitAsync(job.Id);
        Assert.True(done.State == JobStates.Completed, done.Error);
        // The follow-up was committed with the completion: it exists the moment the import is seen completed.
        await using (var db = fx.CreateDb())
        {
            var key = ThumbnailHandler.For(done.EntryId!.Value, Doors.Api).IdempotencyKey;
            Assert.True(await db.Jobs.AnyAsync(j => j.IdempotencyKey == key), "no thumbnail job beside the completed import");
        }

        // ffmpeg is held: the entry is written, its file in the library, and it has no thumbnail yet.
        await Eventually.UntilAsync(() => Task.FromResult(File.Exists(SlowThumbnailFixture.Started)), "the thumbnail to start", TimeSpan.FromSeconds(60));
        var entry = await fx.EntryAsync(done.EntryId!.Value);
        Assert.True(File.Exists(entry.FilePath));
        Assert.Null(entry.ThumbnailPath);

        File.WriteAllText(SlowThumbnailFixture.Release, "");
        var thumbJob = await fx.ThumbnailJobAsync(entry.Id);

        Assert.Equal(JobStates.Completed, thumbJob.State);
        Assert.True(JobQueues.IsSystem(thumbJob.Queue));
        entry = await fx.EntryAsync(entry.Id);
        Assert.True(entry.ThumbnailPath is not null && File.Exists(entry.ThumbnailPath));
        // The media-server poster beside the video is the thumbnail made afterwards.
        Assert.Equal(File.ReadAllBytes(entry.ThumbnailPath), File.ReadAllBytes(MediaServerFiles.PosterPath(entry.FilePath)));
    }

    [Fact]
    public async Task ThumbnailJob_ForAnEntryDeletedMeanwhile_EndsWithNothingToDo()
    {
        var job = await fx.Get<JobQueue>().EnqueueAsync(ThumbnailHandler.For(Guid.CreateVersion7(), "api"), CancellationToken.None);
        var done = await fx.WaitAsync(job.Id);

        Assert.Equal(JobStates.Completed, done.State);
        Assert.Null(done.EntryId);
    }
}
