using Hub.Domain.Tools;

namespace Hub.Domain.Tests.Tools;

public sealed class YtDlpVersionTests
{
    [Theory]
    [InlineData("2023.03.04", "2026-12-01", 1368)]
    [InlineData("2025.12.08.233012", "2025-12-10", 2)]
    [InlineData("2026.12.01", "2026-12-01", 0)]
    public void AgeDays_IsReadOffTheReleaseDate(string version, string today, int days) =>
        Assert.Equal(days, YtDlpVersion.AgeDays(version, DateTimeOffset.Parse(today + "T12:00:00Z")));

    [Theory]
    [InlineData("stable", true)]
    [InlineData("nightly", true)]
    [InlineData("2025.12.08", true)]
    [InlineData("latest", false)]
    [InlineData("2025.13.08", false)]
    [InlineData("../2025.12.08", false)]
    public void Channel_IsStableNightlyOrARelease(string channel, bool valid) => Assert.Equal(valid, ToolUpdateOptions.IsValidChannel(channel));

    [Fact]
    public void ReleaseFolder_DefaultsToYtDlpsReleases_AndTakesAMirror()
    {
        var o = new ToolUpdateOptions();
        Assert.Equal("https://github.com/yt-dlp/yt-dlp/releases/latest/download/", o.ReleaseFolder("stable").AbsoluteUri);
        Assert.Equal("https://github.com/yt-dlp/yt-dlp/releases/download/2025.12.08/", o.ReleaseFolder("2025.12.08").AbsoluteUri);
        o.ReleaseUrl = "http://mirror.lan/yt-dlp/{version}";
        Assert.Equal("http://mirror.lan/yt-dlp/latest/", o.ReleaseFolder("nightly").AbsoluteUri);
    }

    [Fact]
    public void Sums_ParsesSha256sumLines()
    {
        var sums = Sha256Sums.Parse($"{new string('a', 64)}  yt-dlp\n{new string('B', 64)} *yt-dlp_linux\nnot a line\n");
        Assert.Equal(new string('a', 64), sums["yt-dlp"]);
        Assert.Equal(new string('b', 64), sums["yt-dlp_linux"]);
        Assert.Equal(2, sums.Count);
    }

    [Fact]
    public void PinnedKey_DearmorsToAnOpenPgpPublicKeyPacket()
    {
        var key = ReleaseSignature.Dearmor(System.Text.Encoding.ASCII.GetBytes(YtDlpSigningKey.Armored));
        Assert.Equal(0x99, key[0]); // old-format public-key packet with a two-byte length: gpgv reads this
    }
}
