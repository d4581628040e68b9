using Hub.Domain.Engines.YtDlp;

namespace Hub.Domain.Tests.Engines.YtDlp;

public sealed class YtDlpProgressParserTests
{
    [Fact]
    public void Parse_RealHtml5Download_BytesRiseToTotal_SpeedNullAtFirst()
    {
        var lines = YtDlpGolden.Lines("download-html5-page.stdout.txt");
        var progress = lines.Select(YtDlpProgressParser.Parse).OfType<Hub.Domain.Engines.DownloadProgress>().ToList();
        Assert.Equal(8, progress.Count);
        Assert.Equal(1024, progress[0].BytesDone);
        Assert.Equal(72442, progress[0].BytesTotal);
        Assert.Null(progress[0].SpeedBps);
        Assert.Null(progress[0].EtaSeconds);
        Assert.NotNull(progress[3].SpeedBps);
        Assert.True(progress.Zip(progress.Skip(1)).All(p => p.First.BytesDone <= p.Second.BytesDone));
        Assert.Equal(100, progress[^1].Percent);
    }

    [Fact]
    public void ParseLine_FinishedLine_IsFinished_WithFileName()
    {
        var last = YtDlpGolden.Lines("download-html5-page.stdout.txt").Last(l => l.StartsWith("PROG ", StringComparison.Ordinal));
        var p = YtDlpProgressParser.ParseLine(last);
        Assert.NotNull(p);
        Assert.True(p.Value.Finished);
        Assert.Equal("/tmp/ytcap/dl/page-1.mp4", p.Value.FileName);
        Assert.Equal(0, p.Value.Progress.EtaSeconds);
    }

    [Fact]
    public void Parse_ChunkedDownload_TotalUnknownUntilFinished()
    {
        var progress = YtDlpGolden.Lines("download-chunked-no-total.stdout.txt").Select(YtDlpProgressParser.Parse).OfType<Hub.Domain.Engines.DownloadProgress>().ToList();
        Assert.All(progress.SkipLast(1), p => Assert.Null(p.BytesTotal));
        Assert.All(progress.SkipLast(1), p => Assert.Null(p.Percent));
        Assert.Equal(72442, progress[^1].BytesTotal);
    }

    [Fact]
    public void Parse_TotalEstimate_UsedWhenTotalIsNull()
    {
        var p = YtDlpProgressParser.Parse("""PROG {"status": "downloading", "downloaded_bytes": 500, "total_bytes": null, "total_bytes_estimate": 2000.7, "speed": 10.5, "eta": 150, "fragment_index": 3}""");
        Assert.Equal(new Hub.Domain.Engines.DownloadProgress(500, 2000, 10.5, 150), p);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[download] 10% of 1MiB")]
    [InlineData("PROG not json")]
    [InlineData("PROG {\"status\": \"downloading\"}")]
    [InlineData("FILE /tmp/x.mp4")]
    public void Parse_OtherLines_AreNull(string line) => Assert.Null(YtDlpProgressParser.Parse(line));

    [Fact]
    public void FileAndInfoLines_FromRealAudioRun()
    {
        var lines = YtDlpGolden.Lines("download-audio-mp3.stdout.txt");
        Assert.True(YtDlpProgressParser.TryParseFile(lines.Single(l => l.StartsWith("FILE", StringComparison.Ordinal)), out var file));
        Assert.Equal("/tmp/ytcap/dl3/clip.mp3", file);
        Assert.True(YtDlpProgressParser.TryParseInfo(lines.Single(l => l.StartsWith("INFO", StringComparison.Ordinal)), out var json));
        var info = YtDlpJsonMapper.ToItem(json, new Uri("http://127.0.0.1:8765/clip.mp4"));
        Assert.Equal("clip", info.Title);
        Assert.Equal("mp3", info.Extension);
        Assert.Equal("generic", info.Platform);
        Assert.False(YtDlpProgressParser.TryParseFile("FILE ", out _));
    }
}
