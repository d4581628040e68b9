namespace Hub.Domain.Tests;

public sealed class TextInputTests
{
    [Theory]
    [InlineData("plain", true)]
    [InlineData("emoji \U0001F600 and RTL \u202E mark", true)]
    [InlineData("a\0b", false)]
    public void IsStorable_RefusesNul(string value, bool storable) =>
        Assert.Equal(storable, TextInput.IsStorable(value));

    /// <summary>Not a theory: xunit's test-case serialisation turns lone surrogates into U+FFFD.</summary>
    [Fact]
    public void IsStorable_RefusesLoneSurrogates()
    {
        Assert.False(TextInput.IsStorable("lone high \uD800"));
        Assert.False(TextInput.IsStorable("lone low \uDC00 first"));
        Assert.False(TextInput.IsStorable("reversed pair \uDC00\uD800"));
        Assert.Equal("half _ pair.mp3", TextInput.CleanFileName("half \uD800 pair.mp3"));
    }

    [Fact]
    public void Check_NamesTheField_ForUnstorableOrTooLongText()
    {
        Assert.Equal("ok", TextInput.Check("ok", "name"));
        Assert.Null(TextInput.Check((string?)null, "name"));
        Assert.Equal("name", Assert.Throws<HubValidationException>(() => TextInput.Check("a\0", "name")).Field);
        Assert.Equal("q", Assert.Throws<HubValidationException>(() => TextInput.Check(new string('x', 11), "q", 10)).Field);
        Assert.Equal("tag", Assert.Throws<HubValidationException>(() => TextInput.Check(["fine", "\uD800"], "tag")).Field);
        using var doc = System.Text.Json.JsonDocument.Parse("""{"ok":[1,{"deep":"a\u0000"}]}""");
        Assert.Equal("properties", Assert.Throws<HubValidationException>(() => TextInput.Check(doc.RootElement, "properties")).Field);
        Assert.Throws<HubValidationException>(() => TextInput.Check(System.Text.Json.Nodes.JsonNode.Parse("""{"k\u0000":1}"""), "properties"));
    }

    [Theory]
    [InlineData("holiday clip.mp4", "holiday clip.mp4")]
    [InlineData("../../etc/passwd.mp4", "passwd.mp4")]
    [InlineData("C:\\Users\\me\\clip.mp4", "clip.mp4")]
    [InlineData("bad\0name\there.mp4", "bad_name_here.mp4")]
    [InlineData("smile \U0001F600.mp4", "smile \U0001F600.mp4")]
    [InlineData(null, "")]
    public void CleanFileName_MakesNamesHarmless(string? name, string expected) =>
        Assert.Equal(expected, TextInput.CleanFileName(name));

    [Fact]
    public void CleanFileName_CutsLongNames_KeepingTheExtension()
    {
        var clean = TextInput.CleanFileName(new string('a', 1000) + ".webm");
        Assert.Equal(TextInput.MaxFileNameLength, clean.Length);
        Assert.EndsWith(".webm", clean);
    }
}
