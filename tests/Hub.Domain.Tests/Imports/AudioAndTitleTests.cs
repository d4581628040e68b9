using Hub.Domain.Engines;
using Hub.Domain.Entries;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Domain.Media;
using Hub.Testing;

namespace Hub.Domain.Tests.Imports;

/// <summary>An audio format chosen for a video file, and the names a file carries (its title tag, the sender's caption).</summary>
[Collection("pipeline")]
public sealed class AudioAndTitleTests(PipelineFixture fx) : IClassFixture<PipelineFixture>
{
    [Theory]
    [InlineData(FormatPresets.AudioMp3, "mp3", "mp3")]
    [InlineData(FormatPresets.AudioBest, "m4a", "mp4")]
    public async Task DirectVideoLink_WithAnAudioFormat_KeepsOnlyTheSound_AndIsFiledAsMusic(string format, string ext, string container)
    {
        fx.Site.MapFile($"as-{ext}.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "audio-" + ext), "video/mp4");
        var done = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url($"as-{ext}.mp4").AbsoluteUri, format: format)).Id);

        Assert.True(done.State == JobStates.Completed, done.Error);
        var entry = await fx.EntryAsync(done.EntryId!.Value);
        var music = (await fx.Get<LibraryService>().ListAsync(CancellationToken.None)).Single(l => l.Name == "Music");
        Assert.Equal("audio", entry.MediaKind);
        Assert.Equal(music.Id, entry.LibraryId);
        Assert.Equal(container, entry.Container);
        Assert.EndsWith("." + ext, entry.FilePath, StringComparison.Ordinal);
        var probed = await fx.Get<FfprobeClient>().ProbeAsync(entry.FilePath, CancellationToken.None);
        Assert.DoesNotContain(probed.Streams, s => s.CodecType == "video");
    }

    [Fact]
    public async Task DirectFile_IsNamedByItsTitleTag_AndItsArtist_AndFoundWithoutAccents()
    {
        var tagged = await TaggedAsync("tagged.mp4", "Die Sängerin (Live)", "Kapelle Nord");
        fx.Site.MapFile("track-0042.mp4", tagged, "video/mp4");
        var done = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url("track-0042.mp4").AbsoluteUri)).Id);

        Assert.True(done.State == JobStates.Completed, done.Error);
        var entry = await fx.EntryAsync(done.EntryId!.Value);
        Assert.Equal("Die Sängerin (Live)", entry.Title);
        Assert.Equal("Die Sängerin (Live)", done.Title); // the job is named as its entry, not "track-0042"
        Assert.Equal("Kapelle Nord", entry.Uploader);
        var found = await fx.Get<EntryService>().QueryAsync(new EntryQuery { Q = "sangerin" }, CancellationToken.None);
        Assert.Contains(found.Items, e => e.Id == entry.Id);
    }

    [Fact]
    public async Task Upload_WithACaption_IsNamedByTheCaption_BeforeItsTitleTag()
    {
        var tagged = await TaggedAsync("captioned.mp4", "Tag Title", null);
        var upload = Path.Combine(Path.GetTempPath(), "hub-upload-" + Guid.NewGuid().ToString("N") + ".mp4");
        File.Copy(tagged, upload);
        var job = await fx.Get<ImportService>().ImportAsync(new ImportRequest
        {
            UploadedFile = upload, FileName = "VID_20260101.mp4", Title = "Grandma's birthday\nsecond line is not the title", Door = Doors.Bot, RequestedBy = "test",
        }, CancellationToken.None);
        Assert.Equal("Grandma's birthday", job.Title);
        var done = await fx.WaitAsync(job.Id);

        Assert.True(done.State == JobStates.Completed, done.Error);
        Assert.Equal("Grandma's birthday", (await fx.EntryAsync(done.EntryId!.Value)).Title);
        Assert.Equal("Grandma's birthday", done.Title);
    }

    /// <summary>A copy of the test clip with title (and artist) tags; its bytes differ per name.</summary>
    private static async Task<string> TaggedAsync(string name, string title, string? artist)
    {
        var path = Path.Combine(Path.GetTempPath(), "hub-test-tagged-" + Guid.NewGuid().ToString("N")[..8] + "-" + name);
        List<string> args = ["-hide_banner", "-loglevel", "error", "-y", "-i", await TestMedia.VideoAsync(), "-map", "0", "-c", "copy", "-metadata", "title=" + title];
        if (artist is not null)
        {
            args.AddRange(["-metadata", "artist=" + artist]);
        }
        args.AddRange(["-metadata", "comment=" + Guid.NewGuid(), path]);
        var result = await TestPostgres.Runner.RunAsync(new Hub.Domain.Processes.ProcessSpec("ffmpeg", args) { Timeout = TimeSpan.FromSeconds(60) }, CancellationToken.None);
        Assert.True(result.Succeeded, result.Stderr);
        return path;
    }
}
