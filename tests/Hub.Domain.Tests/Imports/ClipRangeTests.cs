using Hub.Domain.Imports;

namespace Hub.Domain.Tests.Imports;

public sealed class ClipRangeTests
{
    [Theory]
    [InlineData("1:20-2:05", 80, 125)]
    [InlineData("1:20 - 2:05", 80, 125)]
    [InlineData("1:20–2:05", 80, 125)]
    [InlineData("0:01:20-0:02:05", 80, 125)]
    [InlineData("1:02:03-1:02:04.5", 3723, 3724.5)]
    [InlineData("80-125", 80, 125)]
    [InlineData("0-0.25", 0, 0.25)]
    [InlineData("59:59-1:00:00", 3599, 3600)]
    public void Parse_ReadsSecondsMinutesAndHours(string text, double start, double end)
    {
        var clip = ClipRange.Parse(text);
        Assert.Equal((start, end), (clip.StartSeconds, clip.EndSeconds));
    }

    [Theory]
    [InlineData("2:05-1:20", "end after it starts")]
    [InlineData("1:20-1:20", "end after it starts")]
    [InlineData("1:60-2:00", "not a clip range")]
    [InlineData("1:20", "not a clip range")]
    [InlineData("a-b", "not a clip range")]
    [InlineData("1::20-2:00", "not a clip range")]
    [InlineData("1:2:3:4-5", "not a clip range")]
    [InlineData("0-25:00:00", "within 24 hours")]
    public void Parse_RefusesWhatIsNoRange_WithAClearReason(string text, string reason)
    {
        var ex = Assert.Throws<HubValidationException>(() => ClipRange.Parse(text));
        Assert.Equal("clip", ex.Field);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1.0, 5.0, "before 0")]
    [InlineData(5.0, 5.0, "end after it starts")]
    [InlineData(6.0, 5.0, "end after it starts")]
    [InlineData(null, 5.0, "both")]
    [InlineData(1.0, null, "both")]
    [InlineData(double.NaN, 5.0, "numbers")]
    public void Create_ChecksStartAndEnd(double? start, double? end, string reason)
    {
        var ex = Assert.Throws<HubValidationException>(() => ClipRange.Create(start, end));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_NamesAndSections()
    {
        var clip = ClipRange.Create(80, 3725.5);
        Assert.Equal("1:20–1:02:05.5", clip.ToString());
        Assert.Equal("Song (1:20–1:02:05.5)", ClipRange.Name("Song", clip));
        Assert.Equal("Song", ClipRange.Name("Song", null));
        Assert.Equal("*80-3725.5", clip.YtDlpSection());
        Assert.Equal(ClipRange.Create(80, 125), ClipRange.Parse("1:20-2:05"));
    }

    [Theory]
    [InlineData(" 1:20-2:05", 80.0)]
    [InlineData(" 1:20-2:05 the funny bit", 80.0)]
    [InlineData(" nice one 1:20-2:05", null)]
    [InlineData("", null)]
    [InlineData(" 1:20-2:05x", null)]
    public void ReadLeading_TakesARangeOnlyAsTheFirstWord(string text, double? start)
    {
        Assert.Equal(start, ClipRange.ReadLeading(text)?.StartSeconds);
    }
}
