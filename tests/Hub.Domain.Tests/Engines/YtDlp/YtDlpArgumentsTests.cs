using Hub.Domain.Engines;
using Hub.Domain.Engines.YtDlp;
using Hub.Domain.Imports;

namespace Hub.Domain.Tests.Engines.YtDlp;

public sealed class YtDlpArgumentsTests
{
    private static readonly Uri Url = new("http://127.0.0.1:8765/page.html");
    private static readonly YtDlpSiteOptions NoSite = new();

    [Fact]
    public void Probe_IgnoresConfig_AndEndsWithDoubleDashThenUrl()
    {
        var args = YtDlpArguments.Probe(Url, NoSite);
        Assert.Equal(["--ignore-config", "--no-warnings"], args.Take(2));
        Assert.Contains("-J", args);
        Assert.Contains("--flat-playlist", args);
        Assert.Equal(["--", Url.AbsoluteUri], args.TakeLast(2));
    }

    [Fact]
    public void Search_TermIsOneArgumentAfterDoubleDash()
    {
        var args = YtDlpArguments.Search("ytsearch", 5, "-rf weird; query");
        Assert.Equal(["--", "ytsearch5:-rf weird; query"], args.TakeLast(2));
    }

    [Fact]
    public void Download_UsesNativeDownloaders_AndNoProxyOnTheCommandLine()
    {
        var args = YtDlpArguments.Download(Url, "/work", FormatPresets.VideoBest, NoSite, null, null);
        Assert.Equal("native", args[args.IndexOf("--downloader") + 1]);
        Assert.Contains("--abort-on-unavailable-fragments", args);
        // The egress proxy and its credential travel in the environment, which other users cannot read.
        Assert.DoesNotContain("--proxy", args);
    }

    [Theory]
    [InlineData(FormatPresets.VideoBest, "bv*+ba/b")]
    [InlineData(FormatPresets.Video1080, "bv*[height<=1080]+ba/b[height<=1080]/b")]
    [InlineData(FormatPresets.Video720, "bv*[height<=720]+ba/b[height<=720]/b")]
    [InlineData(FormatPresets.AudioBest, "ba/b")]
    [InlineData(FormatPresets.AudioMp3, "ba/b")]
    public void Download_FormatPerPreset(string preset, string format)
    {
        var args = YtDlpArguments.Download(Url, "/work", preset, NoSite, null, null);
        Assert.Equal(format, args[args.IndexOf("-f") + 1]);
        Assert.Equal(FormatPresets.IsAudio(preset), args.Contains("-x"));
        Assert.Equal(!FormatPresets.IsAudio(preset), args.Contains("--merge-output-format"));
        Assert.Equal(preset == FormatPresets.AudioMp3, args.Contains("--audio-format"));
    }

    [Fact]
    public void Download_HasMachineReadableOutput_AndSiteOptions()
    {
        var args = YtDlpArguments.Download(Url, "/work/job1", FormatPresets.VideoBest,
            new YtDlpSiteOptions { CookiesFile = "/etc/hub/c.txt", RateLimit = "5M" }, 1000, "/opt/ffmpeg");
        Assert.Contains("download:PROG %(progress)j", args);
        Assert.Contains("--no-simulate", args);
        Assert.Contains("--progress", args);
        Assert.Equal("/work/job1/%(id)s.%(ext)s", args[args.IndexOf("-o") + 1]);
        Assert.Equal("5M", args[args.IndexOf("--limit-rate") + 1]);
        Assert.Equal("/etc/hub/c.txt", args[args.IndexOf("--cookies") + 1]);
        Assert.Equal("1000", args[args.IndexOf("--max-filesize") + 1]);
        Assert.Equal("/opt/ffmpeg", args[args.IndexOf("--ffmpeg-location") + 1]);
        Assert.Equal(["--", Url.AbsoluteUri], args.TakeLast(2));
    }

    [Fact]
    public void Download_FetchesTheLibrarysSubtitles_OrHubsWhereTheLibraryHasNone()
    {
        var hub = new Hub.Domain.Media.SubtitleOptions { Languages = ["en", "en-.*"], AutomaticCaptions = true };
        var own = new Hub.Domain.Libraries.Library { Name = "L", Slug = "l", RootFolder = "l", PathTemplate = "{title}.{ext}", SubtitleLanguages = ["de", "pt-BR"], AutomaticCaptions = false };
        var args = YtDlpArguments.Download(Url, "/work", FormatPresets.VideoBest, NoSite, null, null, hub.For(own));
        Assert.Equal("de,pt-BR", args[args.IndexOf("--sub-langs") + 1]);
        Assert.Equal("vtt", args[args.IndexOf("--convert-subs") + 1]);
        Assert.DoesNotContain("--write-auto-subs", args);

        var following = new Hub.Domain.Libraries.Library { Name = "F", Slug = "f", RootFolder = "f", PathTemplate = "{title}.{ext}" };
        args = YtDlpArguments.Download(Url, "/work", FormatPresets.VideoBest, NoSite, null, null, hub.For(following));
        Assert.Equal("en,en-.*", args[args.IndexOf("--sub-langs") + 1]);
        Assert.Contains("--write-auto-subs", args);

        own.SubtitleLanguages = [];
        args = YtDlpArguments.Download(Url, "/work", FormatPresets.VideoBest, NoSite, null, null, hub.For(own));
        Assert.DoesNotContain("--write-subs", args);
    }

    [Fact]
    public void Options_ForHost_MostSpecificSiteWins_FallsBackToGlobals()
    {
        var o = new YtDlpOptions
        {
            CookiesFile = "/global.txt",
            RateLimit = "10M",
            Sites =
            {
                ["youtube.com"] = new YtDlpSiteOptions { CookiesFile = "/yt.txt" },
                ["music.youtube.com"] = new YtDlpSiteOptions { RateLimit = "1M" },
            },
        };
        Assert.Equal(("/yt.txt", "10M"), Pair(o.ForHost("www.youtube.com")));
        Assert.Equal(("/global.txt", "1M"), Pair(o.ForHost("music.youtube.com")));
        Assert.Equal(("/global.txt", "10M"), Pair(o.ForHost("notyoutube.com")));
        Assert.Equal(("/yt.txt", "10M"), Pair(o.ForHost("YouTube.com")));
    }

    [Fact]
    public void Options_Validate_RejectsBadRates()
    {
        var o = new YtDlpOptions { RateLimit = "fast", Sites = { ["a.com"] = new YtDlpSiteOptions { RateLimit = "1.5M" } } };
        Assert.Single(o.Validate());
        Assert.Empty(new YtDlpOptions { RateLimit = "500K" }.Validate());
    }

    [Theory]
    [InlineData("", "youtube", 5, "query")]
    [InlineData("   ", "youtube", 5, "query")]
    [InlineData("ok", "vimeo", 5, "source")]
    [InlineData("ok", "all", 0, "limit")]
    [InlineData("ok", "all", 51, "limit")]
    public void ValidateSearch_Rejects(string query, string source, int limit, string field) =>
        Assert.Equal(field, Assert.Throws<HubValidationException>(() => YtDlpClient.ValidateSearch(query, source, limit)).Field);

    [Fact]
    public void ValidateSearch_LongQueryRejected_ControlCharsFlattened()
    {
        Assert.Throws<HubValidationException>(() => YtDlpClient.ValidateSearch(new string('a', 201), "all", 5));
        Assert.Equal("a b", YtDlpClient.ValidateSearch(" a\nb ", "youtube", 50));
    }

    [Fact]
    public void Interleave_AlternatesAndCaps()
    {
        static SearchResult R(string id) => new("u" + id, id, null, null, null, "p", id);
        var merged = YtDlpClient.Interleave([R("y1"), R("y2"), R("y3")], [R("s1")], 4);
        Assert.Equal(["y1", "s1", "y2", "y3"], merged.Select(r => r.Id));
        Assert.Equal(2, YtDlpClient.Interleave([R("y1"), R("y2")], [R("s1"), R("s2")], 2).Count);
    }

    private static (string?, string?) Pair(YtDlpSiteOptions s) => (s.CookiesFile, s.RateLimit);
}
