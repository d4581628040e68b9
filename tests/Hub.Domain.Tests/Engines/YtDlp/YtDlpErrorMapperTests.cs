using Hub.Domain.Engines.YtDlp;

namespace Hub.Domain.Tests.Engines.YtDlp;

public sealed class YtDlpErrorMapperTests
{
    [Theory]
    [InlineData("error-http-404.stderr.txt", "http-404", false)]
    [InlineData("error-connection-refused.stderr.txt", "network", true)]
    [InlineData("error-unsupported-url.stderr.txt", "unsupported-url", false)]
    [InlineData("error-not-a-url.stderr.txt", "invalid-url", false)]
    public void Map_RealStderr(string file, string type, bool transient)
    {
        var ex = YtDlpErrorMapper.Map(1, YtDlpGolden.Read(file));
        Assert.Equal(type, ex.Type);
        Assert.Equal(transient, ex.Transient);
        Assert.DoesNotContain("please report this issue", ex.Message);
    }

    [Theory]
    [InlineData("ERROR: [youtube] abc: Private video. Sign in if you've been granted access to this video", "private", false)]
    [InlineData("ERROR: [youtube] abc: Sign in to confirm your age. This video may be inappropriate for some users.", "private", false)]
    [InlineData("ERROR: [youtube] abc: Video unavailable. This video has been removed by the uploader", "unavailable", false)]
    [InlineData("ERROR: [vimeo] 123: This video is not available in your country", "unavailable", false)]
    [InlineData("ERROR: [youtube] abc: Requested format is not available. Use --list-formats for a list of available formats", "format-unavailable", false)]
    [InlineData("ERROR: unable to download video data: HTTP Error 403: Forbidden", "http-403", false)]
    [InlineData("ERROR: [youtube] abc: Unable to download API page: HTTP Error 429: Too Many Requests", "http-429", true)]
    [InlineData("ERROR: [generic] None: Unable to download webpage: HTTP Error 503: Service Unavailable (caused by <HTTPError 503: 'Service Unavailable'>)", "http-5xx", true)]
    [InlineData("ERROR: [generic] None: Unable to download webpage: <urlopen error [Errno -3] Temporary failure in name resolution>", "network", true)]
    [InlineData("ERROR: [generic] None: Unable to download webpage: The read operation timed out", "network", true)]
    [InlineData("ERROR: unable to download video data: <urlopen error [Errno 111] Connection refused>", "network", true)]
    [InlineData("ERROR: [youtube] abc: Unable to extract uploader id; please report this issue on  https://github.com/yt-dlp/yt-dlp/issues?q= , filling out", "yt-dlp", true)]
    [InlineData("", "yt-dlp", true)]
    public void Map_Table(string stderr, string type, bool transient)
    {
        var ex = YtDlpErrorMapper.Map(1, "[debug] something\n" + stderr + "\n");
        Assert.Equal(type, ex.Type);
        Assert.Equal(transient, ex.Transient);
    }

    [Fact]
    public void Map_Fallback_CarriesLastErrorLine()
    {
        var ex = YtDlpErrorMapper.Map(2, "ERROR: first\nWARNING: w\nERROR: [x] y: the real reason; please report this issue on https://...\n");
        Assert.Contains("[x] y: the real reason", ex.Message);
        Assert.DoesNotContain("first", ex.Message);
    }
}
