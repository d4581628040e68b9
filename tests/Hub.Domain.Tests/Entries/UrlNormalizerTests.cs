using Hub.Domain.Entries;

namespace Hub.Domain.Tests.Entries;

public sealed class UrlNormalizerTests
{
    private const string Rick = "https://youtube.com/watch?v=dQw4w9WgXcQ";

    [Theory]
    // YouTube, every spelling
    [InlineData("https://www.youtube.com/watch?v=dQw4w9WgXcQ", Rick)]
    [InlineData("http://youtube.com/watch?v=dQw4w9WgXcQ", Rick)]
    [InlineData("https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share", Rick)]
    [InlineData("https://music.youtube.com/watch?v=dQw4w9WgXcQ&list=RDAMVM", Rick)]
    [InlineData("https://www.youtube.com/watch?feature=youtu.be&v=dQw4w9WgXcQ&t=42s", Rick)]
    [InlineData("https://youtu.be/dQw4w9WgXcQ", Rick)]
    [InlineData("https://youtu.be/dQw4w9WgXcQ?si=abcDEF123&t=10", Rick)]
    [InlineData("https://www.youtube.com/shorts/dQw4w9WgXcQ", Rick)]
    [InlineData("https://youtube.com/shorts/dQw4w9WgXcQ?feature=share", Rick)]
    [InlineData("https://www.youtube.com/embed/dQw4w9WgXcQ?autoplay=1", Rick)]
    [InlineData("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", Rick)]
    [InlineData("https://www.youtube.com/live/dQw4w9WgXcQ", Rick)]
    [InlineData("https://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ#t=30", Rick)]
    [InlineData("https://youtube.com:443/watch?v=dQw4w9WgXcQ", Rick)]
    // YouTube, not a single video: ordinary rules apply
    [InlineData("https://www.youtube.com/playlist?list=PL123&si=x", "https://youtube.com/playlist?list=PL123")]
    [InlineData("https://www.youtube.com/@channel/", "https://youtube.com/@channel")]
    [InlineData("https://www.youtube.com/watch?v=short", "https://youtube.com/watch?v=short")]
    [InlineData("https://youtu.be/", "https://youtu.be")]
    [InlineData("https://evil.com/watch?v=dQw4w9WgXcQ", "https://evil.com/watch?v=dQw4w9WgXcQ")]
    // Scheme, host, port
    [InlineData("HTTP://Example.COM/Path", "http://example.com/Path")]
    [InlineData("https://example.com:443/a", "https://example.com/a")]
    [InlineData("http://example.com:80/a", "http://example.com/a")]
    [InlineData("http://example.com:8080/a", "http://example.com:8080/a")]
    [InlineData("https://example.com:80/a", "https://example.com:80/a")]
    [InlineData("https://www.example.com/a", "https://example.com/a")]
    [InlineData("https://m.example.com/a", "https://example.com/a")]
    [InlineData("https://www.m.example.com/a", "https://example.com/a")]
    [InlineData("https://m.com/a", "https://m.com/a")]
    [InlineData("https://www.com/a", "https://www.com/a")]
    [InlineData("https://mobile.example.com/a", "https://mobile.example.com/a")]
    [InlineData("https://example.com./a", "https://example.com/a")]
    [InlineData("https://user:pass@example.com/a", "https://example.com/a")]
    [InlineData("http://127.0.0.1:8080/file.mp4", "http://127.0.0.1:8080/file.mp4")]
    [InlineData("http://[::1]:8080/file.mp4", "http://[::1]:8080/file.mp4")]
    [InlineData("https://bücher.example/a", "https://xn--bcher-kva.example/a")]
    // Paths
    [InlineData("https://example.com/", "https://example.com")]
    [InlineData("https://example.com", "https://example.com")]
    [InlineData("https://example.com/a/b/", "https://example.com/a/b")]
    [InlineData("https://example.com/a//", "https://example.com/a")]
    [InlineData("https://example.com/A/B", "https://example.com/A/B")]
    [InlineData("https://example.com/a%20b", "https://example.com/a%20b")]
    [InlineData("https://example.com/a/../b", "https://example.com/b")]
    // Fragments and queries
    [InlineData("https://example.com/a#section", "https://example.com/a")]
    [InlineData("https://example.com/a?", "https://example.com/a")]
    [InlineData("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2")]
    [InlineData("https://example.com/a?z=1&a=2&m=3", "https://example.com/a?a=2&m=3&z=1")]
    [InlineData("https://example.com/a?a=2&a=1", "https://example.com/a?a=1&a=2")]
    [InlineData("https://example.com/a?utm_source=x&utm_medium=y&id=5", "https://example.com/a?id=5")]
    [InlineData("https://example.com/a?UTM_Campaign=x&id=5", "https://example.com/a?id=5")]
    [InlineData("https://example.com/a?fbclid=abc", "https://example.com/a")]
    [InlineData("https://example.com/a?gclid=abc&x=1", "https://example.com/a?x=1")]
    [InlineData("https://example.com/a?ref=home&si=s&feature=f&igshid=i&msclkid=m", "https://example.com/a")]
    [InlineData("https://example.com/a?&&x=1&&", "https://example.com/a?x=1")]
    [InlineData("https://example.com/a?flag&x=1", "https://example.com/a?flag&x=1")]
    [InlineData("https://example.com/a?q=hello%20world", "https://example.com/a?q=hello%20world")]
    [InlineData("https://soundcloud.com/artist/track?si=123&utm_source=clipboard", "https://soundcloud.com/artist/track")]
    [InlineData("https://vimeo.com/123456/?share=copy", "https://vimeo.com/123456?share=copy")]
    // Other schemes
    [InlineData("ftp://Example.com/file#x", "ftp://example.com/file")]
    public void Normalize_OneToOne(string input, string expected) =>
        Assert.Equal(expected, UrlNormalizer.Normalize(new Uri(input)));

    [Theory]
    [InlineData("magnet:?xt=urn:btih:C12FE1C06BBA254A9DC9F519B335AA7C1367A88A&dn=Name&tr=udp://t", "magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a")]
    [InlineData("magnet:?dn=Other&xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a", "magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a")]
    [InlineData("magnet:?xt=urn:btih:YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK", "magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a")]
    public void Normalize_Magnet_KeepsOnlyTheHashAsHex(string input, string expected) =>
        Assert.Equal(expected, UrlNormalizer.Normalize(new Uri(input)));

    [Fact]
    public void Normalize_SameVideo_SameKey()
    {
        var forms = new[]
        {
            "https://youtu.be/dQw4w9WgXcQ?t=1", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&pp=ygU", "https://m.youtube.com/shorts/dQw4w9WgXcQ",
        };
        Assert.Single(forms.Select(f => UrlNormalizer.Normalize(new Uri(f))).Distinct());
    }

    [Fact]
    public void Normalize_Relative_Throws() =>
        Assert.Equal("url", Assert.Throws<HubValidationException>(() => UrlNormalizer.Normalize(new Uri("/a/b", UriKind.Relative))).Field);

    [Theory]
    [InlineData("https://youtu.be/dQw4w9WgXcQ", "dQw4w9WgXcQ")]
    [InlineData("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ")]
    [InlineData("https://www.youtube.com/watch?v=bad", null)]
    [InlineData("https://example.com/watch?v=dQw4w9WgXcQ", null)]
    public void YouTubeVideoId_FromAnyForm(string input, string? expected) =>
        Assert.Equal(expected, UrlNormalizer.YouTubeVideoId(new Uri(input)));

    [Theory]
    [InlineData("utm_source", true)]
    [InlineData("utm_anything", true)]
    [InlineData("fbclid", true)]
    [InlineData("v", false)]
    [InlineData("id", false)]
    [InlineData("list", false)]
    public void IsTracking_KnownParameters(string key, bool expected) => Assert.Equal(expected, UrlNormalizer.IsTracking(key));
}
