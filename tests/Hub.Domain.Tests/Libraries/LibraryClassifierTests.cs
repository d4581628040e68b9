using Hub.Domain.Libraries;

namespace Hub.Domain.Tests.Libraries;

public sealed class LibraryClassifierTests
{
    private static Library Lib(string name, string kind, bool isDefault, double threshold, params LibraryRule[] rules) => new()
    {
        Id = Guid.NewGuid(),
        Name = name,
        Slug = name.ToLowerInvariant(),
        RootFolder = name.ToLowerInvariant(),
        PathTemplate = "{title}.{ext}",
        MediaKind = kind,
        IsDefault = isDefault,
        ReviewThreshold = threshold,
        Rules = LibraryRules.ToJson(rules),
    };

    private static readonly Library Videos = Lib("Videos", "video", true, 0.5);
    private static readonly Library Music = Lib("Music", "audio", true, 0.5,
        new LibraryRule { Platforms = ["soundcloud"] }, new LibraryRule { MediaKind = "audio" });
    private static readonly Library Podcasts = Lib("Podcasts", "audio", false, 0.8,
        new LibraryRule { MediaKind = "audio", MinDurationSeconds = 1200 },
        new LibraryRule { TitleKeywords = ["podcast", "episode"], MediaKind = "audio" });
    private static readonly Library Lectures = Lib("Lectures", "video", false, 0.9,
        new LibraryRule { Domains = ["youtube.com"], TitleKeywords = ["lecture"], MinDurationSeconds = 1800 });
    private static readonly Library Clips = Lib("Clips", "video", false, 0.5,
        new LibraryRule { Platforms = ["youtube", "vimeo"], MaxDurationSeconds = 60, Weight = 2 });
    private static readonly Library Vimeo = Lib("Vimeo", "video", false, 0.9,
        new LibraryRule { Domains = ["vimeo.com"], Weight = 0.5 });

    private static readonly IReadOnlyList<Library> All = [Videos, Music, Podcasts, Lectures, Clips, Vimeo];

    public static TheoryData<string?, string?, string?, double?, string?, string, double, bool, bool> Cases => new()
    {
        // platform, host, kind, duration, title → library, confidence, needsReview, fallback
        { "soundcloud", "soundcloud.com", "audio", 200, "Song", "Music", 0.75, false, false },
        { null, "example.org", "audio", 200, "Song", "Music", 0.75, false, false },
        { null, "example.org", "audio", 3600, "Long mix", "Podcasts", 5 / 6.0, false, false },
        { null, "example.org", "audio", 300, "Podcast Episode 12", "Podcasts", 5 / 6.0, false, false },
        { null, "example.org", "audio", 300, "Podcasting tips", "Music", 0.75, false, false },
        { "youtube", "www.youtube.com", "video", 3600, "MIT Lecture 1", "Lectures", 0.875, true, false },
        { "youtube", "m.youtube.com", "video", 3600, "lecture: graphs", "Lectures", 0.875, true, false },
        { "youtube", "youtube.com.evil.org", "video", 3600, "Lecture", "Videos", 0, false, true },
        { "youtube", "notyoutube.com", "video", 3600, "Lecture", "Videos", 0, false, true },
        { "youtube", "youtube.com", "video", 600, "Lecture", "Videos", 0, false, true },
        { "youtube", "youtube.com", "video", 3600, "Lectures are fun", "Videos", 0, false, true },
        { "youtube", "youtube.com", "video", null, "Lecture", "Videos", 0, false, true },
        { "youtube", "youtube.com", "video", 30, "short", "Clips", 1, false, false },
        { "YouTube", "youtube.com", "video", 60, "short", "Clips", 1, false, false },
        { "vimeo", "vimeo.com", "video", 45, "x", "Clips", 1, false, false },
        { "vimeo", "player.vimeo.com", "video", 600, "x", "Vimeo", 0.375, true, false },
        { "dailymotion", "dailymotion.com", "video", 600, "x", "Videos", 0, false, true },
        { null, null, null, null, null, "Videos", 0, false, true },
        { "soundcloud", null, null, null, null, "Music", 0.75, false, false },
        { "bandcamp", null, "AUDIO", null, null, "Music", 0.75, false, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_Table(string? platform, string? host, string? kind, double? duration, string? title,
        string library, double confidence, bool needsReview, bool fallback)
    {
        var result = LibraryClassifier.Classify(All, new ClassificationInput(platform, host, kind, duration, title));
        Assert.Equal(library, result.Library?.Name);
        Assert.Equal(confidence, result.Confidence, 6);
        Assert.Equal(needsReview, result.NeedsReview);
        Assert.Equal(fallback, result.FallbackUsed);
        Assert.Equal(fallback, result.RuleIndex is null);
    }

    [Fact]
    public void Classify_Reason_NamesRuleAndCriteria()
    {
        var result = LibraryClassifier.Classify(All, new ClassificationInput("soundcloud", null, "audio", null, null));
        Assert.Equal("matched rule 1 of Music: platform soundcloud", result.Reason);
        Assert.Equal(0, result.RuleIndex);
    }

    [Fact]
    public void Classify_Reason_ListsEveryCriterion()
    {
        var result = LibraryClassifier.Classify(All, new ClassificationInput("youtube", "www.youtube.com", "video", 3600, "Lecture 3"));
        Assert.Equal("matched rule 1 of Lectures: domain youtube.com, duration ≥ 1800 s, title keyword \"lecture\"", result.Reason);
    }

    [Fact]
    public void Classify_AudioWithoutRules_FallsBackToAudioDefault()
    {
        Library[] libs = [Videos, Lib("Tunes", "audio", true, 0.5)];
        var result = LibraryClassifier.Classify(libs, new ClassificationInput(null, null, "audio", null, null));
        Assert.Equal("Tunes", result.Library?.Name);
        Assert.True(result.FallbackUsed);
        Assert.Contains("default audio library Tunes", result.Reason);
    }

    [Fact]
    public void Classify_NoVideoDefault_UsesAnyDefault()
    {
        Library[] libs = [Lib("Everything", "any", true, 0.5), Lib("Tunes", "audio", true, 0.5)];
        Assert.Equal("Everything", LibraryClassifier.Classify(libs, new ClassificationInput(null, null, "video", null, null)).Library?.Name);
        Assert.Equal("Tunes", LibraryClassifier.Classify(libs, new ClassificationInput(null, null, "audio", null, null)).Library?.Name);
    }

    [Fact]
    public void Classify_OnlyAudioDefault_StillUsedForVideo()
    {
        Library[] libs = [Lib("Tunes", "audio", true, 0.5)];
        var result = LibraryClassifier.Classify(libs, new ClassificationInput(null, null, "video", null, null));
        Assert.Equal("Tunes", result.Library?.Name);
        Assert.True(result.FallbackUsed);
    }

    [Fact]
    public void Classify_NoDefaultsAtAll_NullLibraryNeedsReview()
    {
        var result = LibraryClassifier.Classify([Lib("Plain", "video", false, 0.5)], new ClassificationInput(null, null, "video", null, null));
        Assert.Null(result.Library);
        Assert.True(result.NeedsReview);
        Assert.False(result.FallbackUsed);
    }

    [Fact]
    public void Classify_EmptyList_NullLibrary() =>
        Assert.Null(LibraryClassifier.Classify([], new ClassificationInput("youtube", null, null, null, null)).Library);

    [Fact]
    public void Classify_EqualConfidence_MoreSpecificWins()
    {
        // Weight 2 caps both at 1; the two-criteria rule is more specific.
        var broad = Lib("A Broad", "video", false, 0.5, new LibraryRule { Platforms = ["youtube"], Weight = 2 });
        var narrow = Lib("Z Narrow", "video", false, 0.5, new LibraryRule { Platforms = ["youtube"], MediaKind = "video", Weight = 2 });
        var result = LibraryClassifier.Classify([broad, narrow], new ClassificationInput("youtube", null, "video", null, null));
        Assert.Equal("Z Narrow", result.Library?.Name);
    }

    [Fact]
    public void Classify_FullTie_NameDecides_WhateverTheOrder()
    {
        var b = Lib("Beta", "video", false, 0.5, new LibraryRule { Platforms = ["youtube"] });
        var a = Lib("alpha", "video", false, 0.5, new LibraryRule { Platforms = ["youtube"] });
        var input = new ClassificationInput("youtube", null, null, null, null);
        Assert.Equal("alpha", LibraryClassifier.Classify([b, a], input).Library?.Name);
        Assert.Equal("alpha", LibraryClassifier.Classify([a, b], input).Library?.Name);
    }

    [Fact]
    public void Classify_InvalidStoredRules_AreIgnored()
    {
        var broken = Lib("Broken", "video", false, 0.5);
        broken.Rules = System.Text.Json.JsonDocument.Parse("""[{"mediaKind":"hologram"}]""");
        var result = LibraryClassifier.Classify([broken, Videos], new ClassificationInput(null, null, "video", null, null));
        Assert.Equal("Videos", result.Library?.Name);
        Assert.True(result.FallbackUsed);
    }

    [Theory]
    [InlineData(1, 1, 0.75)]
    [InlineData(2, 1, 5 / 6.0)]
    [InlineData(3, 1, 0.875)]
    [InlineData(5, 1, 11 / 12.0)]
    [InlineData(1, 0.5, 0.375)]
    [InlineData(1, 2, 1)]
    [InlineData(3, 1.1, 0.9625)]
    public void Confidence_GrowsWithCriteria_ScaledByWeight(int criteria, double weight, double expected)
    {
        var rule = criteria switch
        {
            1 => new LibraryRule { Platforms = ["x"], Weight = weight },
            2 => new LibraryRule { Platforms = ["x"], MediaKind = "audio", Weight = weight },
            3 => new LibraryRule { Platforms = ["x"], MediaKind = "audio", MinDurationSeconds = 1, Weight = weight },
            _ => new LibraryRule { Platforms = ["x"], Domains = ["x.com"], MediaKind = "audio", MaxDurationSeconds = 1, TitleKeywords = ["k"], Weight = weight },
        };
        Assert.Equal(expected, LibraryClassifier.Confidence(rule), 6);
    }

    [Theory]
    [InlineData("m.youtube.com", "youtube.com", true)]
    [InlineData("YouTube.com.", "youtube.com", true)]
    [InlineData("youtube.com", "youtube.com", true)]
    [InlineData("a.b.youtube.com", "youtube.com", true)]
    [InlineData("notyoutube.com", "youtube.com", false)]
    [InlineData("youtube.com.evil.org", "youtube.com", false)]
    [InlineData("youtube.co", "youtube.com", false)]
    [InlineData("com", "youtube.com", false)]
    [InlineData(null, "youtube.com", false)]
    [InlineData("", "youtube.com", false)]
    public void HostMatches_HostOrSubdomain(string? host, string domain, bool expected) =>
        Assert.Equal(expected, LibraryClassifier.HostMatches(host, domain));

    [Theory]
    [InlineData("Live at Wembley", "live", true)]
    [InlineData("Song (Live)", "live", true)]
    [InlineData("LIVE!", "live", true)]
    [InlineData("Oliver Twist", "live", false)]
    [InlineData("lively tune", "live", false)]
    [InlineData("delivered", "live", false)]
    [InlineData("the live-stream", "live", true)]
    [InlineData("Full Album 1999", "full album", true)]
    [InlineData("Full  Album", "full album", false)]
    [InlineData("Episode 3", "episode", true)]
    [InlineData("Episodes", "episode", false)]
    [InlineData("C++ tutorial", "c++", true)]
    [InlineData("Über Musik", "über", true)]
    [InlineData("", "live", false)]
    [InlineData(null, "live", false)]
    [InlineData("live olive", "live", true)]
    public void ContainsWord_WholeWordsCaseInsensitive(string? text, string keyword, bool expected) =>
        Assert.Equal(expected, LibraryClassifier.ContainsWord(text, keyword));
}
