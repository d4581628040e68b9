using System.Text.Json;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Media;
using Hub.Testing;

namespace Hub.Domain.Tests.Imports;

/// <summary>
/// The pipeline with a yt-dlp stand-in that records its arguments and, like yt-dlp, fetches only the section
/// <c>--download-sections</c> names (it cuts the file with ffmpeg).
/// </summary>
public sealed class ClipFixture : PipelineFixture
{
    public static readonly string ToolDir = Path.Combine(Path.GetTempPath(), "hub-fake-ytdlp-" + Guid.NewGuid().ToString("N")[..8]);
    public static string CallLog => Path.Combine(ToolDir, "calls.log");

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Hub:Tools:YtDlp"] = FakeYtDlp();
            return settings;
        }
    }

    public string[] Calls() => File.Exists(CallLog) ? File.ReadAllText(CallLog).Split("---\n", StringSplitOptions.RemoveEmptyEntries) : [];

    private static string FakeYtDlp()
    {
        Directory.CreateDirectory(ToolDir);
        var path = Path.Combine(ToolDir, "yt-dlp");
        var source = TestMedia.KeyframedVideoAsync().GetAwaiter().GetResult();
        File.WriteAllText(path, $$"""
            #!/bin/bash
            { echo "---"; printf '%s\n' "$@"; } >> '{{CallLog}}'
            for a in "$@"; do [ "$a" = "--version" ] && { echo 2023.03.04; exit 0; }; done
            url="${@: -1}"
            info='{"id":"vid42","title":"Fake Site Video","extractor":"fakesite","extractor_key":"FakeSite","webpage_url":"'"$url"'","duration":12,"ext":"mp4","vcodec":"h264","acodec":"aac"}'
            for a in "$@"; do [ "$a" = "-J" ] && { echo "$info"; exit 0; }; done
            out=""; section=""; prev=""
            for a in "$@"; do
              [ "$prev" = "-o" ] && out="$a"
              [ "$prev" = "--download-sections" ] && section="${a#\*}"
              prev="$a"
            done
            file="$(dirname "$out")/vid42.mp4"
            if [ -n "$section" ]; then
              ffmpeg -hide_banner -loglevel error -y -ss "${section%-*}" -to "${section#*-}" -i '{{source}}' -map 0 -c copy "$file" || exit 1
            else
              cp '{{source}}' "$file"
            fi
            echo "FILE $file"
            echo "INFO $info"
            """.Replace("\r", "", StringComparison.Ordinal));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}

[Collection("pipeline")]
public sealed class ClipImportTests(ClipFixture fx) : IClassFixture<ClipFixture>
{
    private Task<Job> ImportAsync(string url, ClipRange? clip) =>
        fx.Get<ImportService>().ImportAsync(new ImportRequest { Url = url, Clip = clip, Door = Doors.Api, RequestedBy = "test" }, CancellationToken.None);

    private async Task<double> DurationAsync(string file) =>
        (await fx.Get<FfprobeClient>().ProbeAsync(file, CancellationToken.None)).DurationSeconds ?? -1;

    [Fact]
    public async Task DirectFile_WithAClip_IsCutByStreamCopy_AndTheEntryRecordsSourceAndRange()
    {
        fx.Site.MapFile("long.mp4", await TestMedia.KeyframedVideoAsync(), "video/mp4");
        var url = fx.Site.Url("long.mp4").AbsoluteUri;

        var done = await fx.WaitAsync((await ImportAsync(url, ClipRange.Create(2, 5))).Id);

        Assert.True(done.State == JobStates.Completed, done.Error);
        var entry = await fx.EntryAsync(done.EntryId!.Value);
        Assert.Equal(url, entry.SourceUrl);
        Assert.Equal(2, entry.ClipStartSeconds);
        Assert.Equal(5, entry.ClipEndSeconds);
        var clip = entry.Properties.RootElement.GetProperty("clip");
        Assert.Equal(2, clip.GetProperty("startSeconds").GetDouble());
        Assert.Equal(5, clip.GetProperty("endSeconds").GetDouble());
        Assert.EndsWith("(0:02–0:05)", entry.Title, StringComparison.Ordinal);
        Assert.InRange(await DurationAsync(entry.FilePath), 2.5, 3.6);
        Assert.InRange(entry.DurationSeconds ?? -1, 2.5, 3.6);
    }

    [Fact]
    public async Task SameSource_AnotherRange_IsAnotherEntry_TheSameRange_IsADuplicate_AndTheWholeIsNeither()
    {
        fx.Site.MapFile("dedupe.mp4", await TestMedia.VariantAsync(await TestMedia.KeyframedVideoAsync(), "clip-dedupe"), "video/mp4");
        var url = fx.Site.Url("dedupe.mp4").AbsoluteUri;

        var first = await fx.WaitAsync((await ImportAsync(url, ClipRange.Create(1, 4))).Id);
        var other = await fx.WaitAsync((await ImportAsync(url, ClipRange.Create(6, 9))).Id);
        var again = await fx.WaitAsync((await ImportAsync(url, ClipRange.Create(1, 4))).Id);
        var whole = await fx.WaitAsync((await ImportAsync(url, null)).Id);

        Assert.All(new[] { first, other, again, whole }, j => Assert.True(j.State == JobStates.Completed, j.Error));
        Assert.NotEqual(first.EntryId, other.EntryId);
        Assert.Equal(first.EntryId, again.EntryId);
        Assert.True(Outcome(again).Duplicate);
        Assert.False(Outcome(other).Duplicate);
        Assert.NotEqual(first.EntryId, whole.EntryId);
        Assert.NotEqual(other.EntryId, whole.EntryId);
        Assert.Null((await fx.EntryAsync(whole.EntryId!.Value)).ClipStartSeconds);
        Assert.InRange(await DurationAsync((await fx.EntryAsync(whole.EntryId!.Value)).FilePath), 11.5, 12.5);
    }

    [Fact]
    public async Task SitePage_WithAClip_AsksYtDlpForJustThatSection_AndTwoRangesOfOneVideoAreTwoEntries()
    {
        fx.Site.MapText("watch.html", "<html><head><title>watch</title></head><body>a site page</body></html>");
        var url = fx.Site.Url("watch.html").AbsoluteUri;

        var done = await fx.WaitAsync((await ImportAsync(url, ClipRange.Parse("0:03-0:07.5"))).Id);

        Assert.True(done.State == JobStates.Completed, done.Error);
        var download = fx.Calls().Single(c => c.Contains("--no-simulate\n", StringComparison.Ordinal) && c.Contains(url, StringComparison.Ordinal));
        var args = download.Split('\n');
        Assert.Equal("*3-7.5", args[Array.IndexOf(args, "--download-sections") + 1]);
        var entry = await fx.EntryAsync(done.EntryId!.Value);
        Assert.Equal(("fakesite", "vid42"), (entry.Platform, entry.SourceId));
        Assert.Equal((3.0, 7.5), (entry.ClipStartSeconds!.Value, entry.ClipEndSeconds!.Value));
        Assert.InRange(await DurationAsync(entry.FilePath), 4.0, 5.1);

        // The same platform id with another range: a second entry (the uniqueness rule includes the range).
        var second = await fx.WaitAsync((await ImportAsync(url, ClipRange.Create(8, 10))).Id);
        Assert.True(second.State == JobStates.Completed, second.Error);
        Assert.False(Outcome(second).Duplicate);
        Assert.NotEqual(done.EntryId, second.EntryId);
    }

    [Fact]
    public async Task ImportWithAClip_WhileTheSameRangeIsRunning_ReturnsThatJob_AndAnotherRangeStartsAnother()
    {
        fx.Site.MapFile("busy.mp4", await TestMedia.VariantAsync(await TestMedia.KeyframedVideoAsync(), "clip-busy"), "video/mp4");
        var url = fx.Site.Url("busy.mp4").AbsoluteUri;
        var a = await ImportAsync(url, ClipRange.Create(1, 2));
        var b = await ImportAsync(url, ClipRange.Create(1, 2));
        var c = await ImportAsync(url, ClipRange.Create(2, 3));
        Assert.Equal(a.Id, b.Id);
        Assert.NotEqual(a.Id, c.Id);
        await fx.WaitAsync(a.Id);
        await fx.WaitAsync(c.Id);
    }

    private static ImportOutcome Outcome(Job job) => job.Result!.Deserialize<ImportOutcome>(JobJson.Options)!;
}
