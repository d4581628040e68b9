using Hub.Domain.Engines.Http;

namespace Hub.Domain.Tests.Engines.Http;

public sealed class HttpFileNameTests
{
    [Theory]
    [InlineData("attachment; filename=\"a b.mp4\"", "a b.mp4")]
    [InlineData("attachment; filename=plain.mkv", "plain.mkv")]
    [InlineData("attachment; filename*=UTF-8''%E2%82%AC%20rates.mp3", "€ rates.mp3")]
    [InlineData("attachment; filename=\"ascii.mp4\"; filename*=UTF-8''%C3%BCber.mp4", "über.mp4")]
    [InlineData("attachment; filename=\"../../etc/passwd\"", "../../etc/passwd")]
    [InlineData("inline", null)]
    [InlineData("", null)]
    public void FromContentDisposition_PrefersFilenameStar(string header, string? expected)
    {
        Assert.Equal(expected, HttpFileName.FromContentDisposition(header));
    }

    [Theory]
    [InlineData("http://h/videos/My%20Clip.mp4?x=1", "My Clip.mp4")]
    [InlineData("http://h/a/b/", "b")]
    [InlineData("http://h/", null)]
    [InlineData("http://h/%E6%97%A5%E6%9C%AC.mkv", "日本.mkv")]
    public void FromUrl_TakesLastSegmentDecoded(string url, string? expected)
    {
        Assert.Equal(expected, HttpFileName.FromUrl(new Uri(url)));
    }

    [Theory]
    [InlineData("download", "video/mp4", true, "download.mp4")]
    [InlineData("get.php", "audio/mpeg", true, "get.mp3")]
    [InlineData("get.php", "audio/mpeg", false, "get.php")]
    [InlineData("clip.mkv", "video/mp4", true, "clip.mkv")]
    [InlineData("clip", "application/octet-stream", true, "clip")]
    public void WithExtension_AddsTypeExtensionWhenMissing(string name, string type, bool replaceScript, string expected)
    {
        Assert.Equal(expected, HttpFileName.WithExtension(name, type, replaceScript));
    }

    [Theory]
    [InlineData("My Clip.mp4", "My_Clip.mp4")]
    [InlineData("../../etc/passwd", "_.._etc_passwd")]
    [InlineData("..", "download")]
    [InlineData("日本", "download")]
    [InlineData(null, "download")]
    [InlineData(".hidden", "hidden")]
    public void SafeLocalName_KeepsOnlyHarmlessCharacters(string? name, string expected)
    {
        Assert.Equal(expected, HttpFileName.SafeLocalName(name));
    }

    [Fact]
    public void SafeLocalName_LongName_KeepsExtension()
    {
        var safe = HttpFileName.SafeLocalName(new string('a', 500) + ".mp4");
        Assert.Equal(120, safe.Length);
        Assert.EndsWith(".mp4", safe);
    }
}
