using Hub.Domain;
using Hub.Domain.Imports;

namespace Hub.Domain.Tests.Imports;

/// <summary>The one set of input rules for searching the sites, which REST and MCP both call.</summary>
public sealed class SourceSearchTests
{
    [Fact]
    public void Normalize_FillsTheDefaults_AndTidiesTheQuery()
    {
        var search = SourceSearch.Normalize("  daft\tpunk  ", null, null);
        Assert.Equal("daft punk", search.Query);
        Assert.Equal(SourceSearch.DefaultSource, search.Source);
        Assert.Equal(SourceSearch.DefaultLimit, search.Limit);
        Assert.Equal("soundcloud", SourceSearch.Normalize("x", " SoundCloud ", 50).Source);
        Assert.Equal("a b", SourceSearch.Normalize("a\u0007b", "all", 1).Query); // control characters never reach yt-dlp
    }

    [Theory]
    [InlineData(null, "youtube", 5, "query")]
    [InlineData("   ", "youtube", 5, "query")]
    [InlineData("ok", "vimeo", 5, "source")]
    [InlineData("ok", "all", 0, "limit")]
    [InlineData("ok", "all", 51, "limit")]
    [InlineData("a\0b", "all", 5, "query")] // text Hub cannot store is refused as everywhere (TextInput)
    public void Normalize_Rejects_NamingTheField(string? query, string source, int limit, string field) =>
        Assert.Equal(field, Assert.Throws<HubValidationException>(() => SourceSearch.Normalize(query, source, limit)).Field);

    [Fact]
    public void Normalize_RejectsAQueryPastTheLimit()
    {
        Assert.Equal("query", Assert.Throws<HubValidationException>(() => SourceSearch.Normalize(new string('a', SourceSearch.MaxQueryLength + 1), null, null)).Field);
        Assert.Equal(SourceSearch.MaxQueryLength, SourceSearch.Normalize(new string('a', SourceSearch.MaxQueryLength), null, null).Query.Length);
    }

    [Fact]
    public void Normalize_RefusesALoneSurrogate_NamingTheQuery()
    {
        // Built at run time: an attribute argument cannot carry a lone surrogate (the compiler writes U+FFFD).
        var query = "a" + (char)0xD800 + "b";
        Assert.Equal("query", Assert.Throws<HubValidationException>(() => SourceSearch.Normalize(query, "all", 5)).Field);
    }
}
