using System.Text.Json;
using Hub.Domain.Libraries;

namespace Hub.Domain.Tests.Libraries;

public sealed class LibraryRuleTests
{
    private static IReadOnlyList<LibraryRule> Parse(string json) => LibraryRules.FromJson(JsonDocument.Parse(json));

    [Fact]
    public void FromJson_ReadsEveryField()
    {
        var rules = Parse("""
            [{"platforms":["SoundCloud"],"domains":["Music.Example.com."],"mediaKind":"Audio","minDurationSeconds":10,
              "maxDurationSeconds":600,"titleKeywords":[" live "],"weight":0.8}]
            """);
        var rule = Assert.Single(rules);
        Assert.Equal(new[] { "soundcloud" }, rule.Platforms);
        Assert.Equal(new[] { "music.example.com" }, rule.Domains);
        Assert.Equal("audio", rule.MediaKind);
        Assert.Equal(10, rule.MinDurationSeconds);
        Assert.Equal(600, rule.MaxDurationSeconds);
        Assert.Equal(new[] { "live" }, rule.TitleKeywords);
        Assert.Equal(0.8, rule.Weight);
        Assert.Equal(5, rule.CriteriaCount);
    }

    [Fact]
    public void ToJson_IsCamelCaseWithoutNulls_AndRoundTrips()
    {
        var json = LibraryRules.ToJson([new LibraryRule { Platforms = ["soundcloud"] }, new LibraryRule { MediaKind = "audio", MaxDurationSeconds = 60 }]);
        Assert.Equal("""[{"platforms":["soundcloud"],"weight":1},{"mediaKind":"audio","maxDurationSeconds":60,"weight":1}]""", json.RootElement.GetRawText());
        var back = LibraryRules.FromJson(json);
        Assert.Equal(new[] { "soundcloud" }, back[0].Platforms);
        Assert.Equal(60, back[1].MaxDurationSeconds);
    }

    [Theory]
    [InlineData("[]", 0)]
    [InlineData("null", 0)]
    [InlineData("""[{"mediaKind":"video"}]""", 1)]
    [InlineData("""[{"platforms":["a"]},{"domains":["b.com"]},{"titleKeywords":["c"]},{"minDurationSeconds":0}]""", 4)]
    public void FromJson_Valid(string json, int count) => Assert.Equal(count, Parse(json).Count);

    [Theory]
    [InlineData("""{}""", "rules")]
    [InlineData("""[{}]""", "rules[0]")]
    [InlineData("""[{"weight":2}]""", "rules[0]")]
    [InlineData("""[{"mediaKind":"audio"},{"mediaKind":"hologram"}]""", "rules[1].mediaKind")]
    [InlineData("""[{"minDurationSeconds":60,"maxDurationSeconds":10}]""", "rules[0].minDurationSeconds")]
    [InlineData("""[{"minDurationSeconds":-1}]""", "rules[0].minDurationSeconds")]
    [InlineData("""[{"maxDurationSeconds":-1}]""", "rules[0].maxDurationSeconds")]
    [InlineData("""[{"platforms":[]}]""", "rules[0].platforms")]
    [InlineData("""[{"platforms":["ok",""]}]""", "rules[0].platforms[1]")]
    [InlineData("""[{"domains":["https://youtube.com"]}]""", "rules[0].domains[0]")]
    [InlineData("""[{"domains":["localhost"]}]""", "rules[0].domains[0]")]
    [InlineData("""[{"titleKeywords":["  "]}]""", "rules[0].titleKeywords[0]")]
    [InlineData("""[{"mediaKind":"audio","weight":0}]""", "rules[0].weight")]
    [InlineData("""[{"mediaKind":"audio","weight":11}]""", "rules[0].weight")]
    [InlineData("""[{"mediaKind":"audio","colour":"red"}]""", "rules[0].colour")]
    [InlineData("""[{"mediaKind":3}]""", "rules[0].mediaKind")]
    [InlineData("""[{"platforms":"youtube"}]""", "rules[0].platforms")]
    [InlineData("""[1]""", "rules[0]")]
    public void FromJson_Invalid_NamesTheField(string json, string field)
    {
        var ex = Assert.Throws<HubValidationException>(() => Parse(json));
        Assert.Equal(field, ex.Field);
    }

    [Fact]
    public void Normalize_TooManyRules_Throws() =>
        Assert.Equal("rules", Assert.Throws<HubValidationException>(() =>
            LibraryRules.Normalize(Enumerable.Repeat(new LibraryRule { MediaKind = "audio" }, 101).ToList())).Field);

    [Fact]
    public void FromJsonOrEmpty_Invalid_IsEmpty() =>
        Assert.Empty(LibraryRules.FromJsonOrEmpty(JsonDocument.Parse("""[{"mediaKind":"hologram"}]""")));

    [Theory]
    [InlineData(null, null, 0)]
    [InlineData(10.0, null, 1)]
    [InlineData(null, 10.0, 1)]
    [InlineData(1.0, 10.0, 1)]
    public void CriteriaCount_DurationRangeCountsOnce(double? min, double? max, int expected) =>
        Assert.Equal(expected, new LibraryRule { MinDurationSeconds = min, MaxDurationSeconds = max }.CriteriaCount);
}
