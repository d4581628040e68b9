using System.Text;
using Hub.Domain.Libraries;

namespace Hub.Domain.Tests.Libraries;

public sealed class PathSegmentTests
{
    [Theory]
    [InlineData("Hello World", "Hello World")]
    [InlineData("../../etc/passwd", "…-…-etc-passwd")]
    [InlineData("..", "…")]
    [InlineData("...", "…")]
    [InlineData(". . .", "untitled")]
    [InlineData("a/b\\c", "a-b-c")]
    [InlineData("\u0000", "untitled")]
    [InlineData("a\u0000b", "ab")]
    [InlineData("bell\u0007 ring", "bell ring")]
    [InlineData("CON", "CON_")]
    [InlineData("con", "con_")]
    [InlineData("nul.txt", "nul.txt_")]
    [InlineData("COM1", "COM1_")]
    [InlineData("LPT9", "LPT9_")]
    [InlineData("CONSOLE", "CONSOLE")]
    [InlineData("   ", "untitled")]
    [InlineData("", "untitled")]
    [InlineData(".hidden", "hidden")]
    [InlineData("trailing. . .", "trailing")]
    [InlineData("  padded  ", "padded")]
    [InlineData("tabs\tand\nnew\r\nlines", "tabs and new lines")]
    [InlineData("many     spaces", "many spaces")]
    [InlineData("Wait... what", "Wait… what")]
    [InlineData("a..b", "a…b")]
    [InlineData("Movie: Part 2", "Movie - Part 2")]
    [InlineData("What? Really*", "What_ Really_")]
    [InlineData("say \"hi\"", "say 'hi'")]
    [InlineData("<b>|x", "_b__x")]
    [InlineData("evil\u202Egnp.exe", "evilgnp.exe")]
    [InlineData("\u2066isolate\u2069", "isolate")]
    [InlineData("\uFEFFbom", "bom")]
    [InlineData("zero\u200Bwidth", "zerowidth")]
    [InlineData("emoji 🎵 song", "emoji 🎵 song")]
    [InlineData("Привет мир", "Привет мир")]
    [InlineData("日本語のタイトル", "日本語のタイトル")]
    [InlineData("\u00A0nbsp\u00A0", "nbsp")]
    public void Sanitize_MakesOneSafeName(string input, string expected) =>
        Assert.Equal(expected, PathSegment.Sanitize(input));

    [Fact]
    public void Sanitize_LoneSurrogate_IsDropped() => Assert.Equal("lone surrogate", PathSegment.Sanitize("lone " + (char)0xD800 + " surrogate"));

    [Theory]
    [InlineData("Cafe\u0301", "Caf\u00E9")]
    [InlineData("a\u0323\u0302", "\u1EAD")]
    [InlineData("\u1100\u1161\u11A8", "\uAC01")]
    [InlineData("\u00C5ngstr\u00F6m", "\u00C5ngstr\u00F6m")]
    [InlineData("n\u0303o", "\u00F1o")]
    public void Sanitize_ComposesDecomposedText(string input, string expected) => Assert.Equal(expected, PathSegment.Sanitize(input));

    [Fact]
    public void Sanitize_Null_IsFallback() => Assert.Equal("unknown", PathSegment.Sanitize(null, "unknown"));

    [Fact]
    public void Sanitize_NormalisesToNfc()
    {
        var decomposed = "Cafe\u0301"; // e + combining acute
        var result = PathSegment.Sanitize(decomposed);
        Assert.Equal("Caf\u00E9", result);
        Assert.True(result.IsNormalized(NormalizationForm.FormC));
    }

    [Fact]
    public void Sanitize_LongTitle_IsCappedInBytes()
    {
        var result = PathSegment.Sanitize(new string('a', 500));
        Assert.Equal(PathSegment.MaxTokenBytes, Encoding.UTF8.GetByteCount(result));
    }

    [Fact]
    public void Sanitize_LongMultibyteTitle_NeverSplitsACharacter()
    {
        var result = PathSegment.Sanitize(string.Concat(Enumerable.Repeat("é日🎵", 100)));
        Assert.True(Encoding.UTF8.GetByteCount(result) <= PathSegment.MaxTokenBytes);
        Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(result)));
        Assert.False(char.IsHighSurrogate(result[^1]));
    }

    [Fact]
    public void Sanitize_CutBeforeTrailingDot_TrimsAgain()
    {
        var result = PathSegment.Sanitize(new string('a', 119) + ". tail");
        Assert.Equal(new string('a', 119), result);
    }

    [Theory]
    [InlineData("CON", true)]
    [InlineData("con.mp4", true)]
    [InlineData("Aux ", true)]
    [InlineData("PRN.tar.gz", true)]
    [InlineData("CONTROL", false)]
    [InlineData("com10", false)]
    [InlineData("song.con", false)]
    public void IsReserved_DeviceNames(string name, bool reserved) => Assert.Equal(reserved, PathSegment.IsReserved(name));

    [Fact]
    public void CapFileName_KeepsTheExtension()
    {
        var name = new string('x', 300) + ".mp4";
        var capped = PathSegment.CapFileName(name, "mp4");
        Assert.EndsWith("x.mp4", capped);
        Assert.Equal(PathSegment.MaxNameBytes, Encoding.UTF8.GetByteCount(capped));
    }

    [Fact]
    public void CapFileName_ShortName_Unchanged() => Assert.Equal("a.mp4", PathSegment.CapFileName("a.mp4", "mp4"));
}
