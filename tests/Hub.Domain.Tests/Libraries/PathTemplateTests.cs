using System.Text;
using Hub.Domain.Libraries;

namespace Hub.Domain.Tests.Libraries;

public sealed class PathTemplateTests
{
    private const string VideoTemplate = "{platform}/{uploader}/{title} [{id}].{ext}";
    private static readonly DateTimeOffset Now = new(2024, 3, 9, 12, 0, 0, TimeSpan.Zero);

    private static readonly PathTokens Full = new()
    {
        Platform = "YouTube", Uploader = "Some Channel", Title = "A Video", Id = "dQw4w9WgXcQ",
        Year = 2021, Month = 7, Ext = "mp4", Library = "Videos", MediaKind = "video",
    };

    [Theory]
    [InlineData(VideoTemplate, "youtube/Some Channel/A Video [dQw4w9WgXcQ].mp4")]
    [InlineData("{uploader}/{title}.{ext}", "Some Channel/A Video.mp4")]
    [InlineData("{year}/{month}/{title}.{ext}", "2021/07/A Video.mp4")]
    [InlineData("{library}/{kind}/{id}.{ext}", "Videos/video/dQw4w9WgXcQ.mp4")]
    [InlineData("{title}.{ext}", "A Video.mp4")]
    [InlineData("static folder/{title} - {uploader}.{ext}", "static folder/A Video - Some Channel.mp4")]
    public void Render_FillsTokens(string template, string expected) =>
        Assert.Equal(expected, PathTemplate.Render(template, Full, Now));

    [Fact]
    public void Render_MissingValues_UseFallbacks() =>
        Assert.Equal("unknown/unknown/untitled [unknown].bin", PathTemplate.Render(VideoTemplate, new PathTokens(), Now));

    [Fact]
    public void Render_MissingDate_UsesNow() =>
        Assert.Equal("2024/03/untitled.bin", PathTemplate.Render("{year}/{month}/{title}.{ext}", new PathTokens(), Now));

    [Theory]
    [InlineData(0, 13, "2024/03")]
    [InlineData(1999, 12, "1999/12")]
    [InlineData(-5, -1, "2024/03")]
    public void Render_OutOfRangeDate_FallsBack(int year, int month, string expected) =>
        Assert.StartsWith(expected + "/", PathTemplate.Render("{year}/{month}/{title}.{ext}", new PathTokens { Year = year, Month = month }, Now));

    [Theory]
    [InlineData("../../etc/passwd", "…-…-etc-passwd.mp4")]
    [InlineData("a/b\\c", "a-b-c.mp4")]
    [InlineData("\u0000", "untitled.mp4")]
    [InlineData("CON", "CON_.mp4")]
    [InlineData("   ", "untitled.mp4")]
    [InlineData(".hidden", "hidden.mp4")]
    [InlineData("evil\u202Egnp.exe", "evilgnp.exe.mp4")]
    [InlineData("emoji 🎵🔥", "emoji 🎵🔥.mp4")]
    [InlineData("/absolute", "-absolute.mp4")]
    [InlineData("~/home", "~-home.mp4")]
    public void Render_HostileTitle_StaysOneSafeName(string title, string expected)
    {
        var rendered = PathTemplate.Render("{title}.{ext}", new PathTokens { Title = title, Ext = "mp4" }, Now);
        Assert.Equal(expected, rendered);
        Assert.DoesNotContain('/', rendered);
    }

    [Theory]
    [InlineData("..", "..", "..")]
    [InlineData("../..", "/etc", "passwd")]
    [InlineData("/", "/", "/")]
    [InlineData("\\", "C:\\Windows", "x")]
    public void Render_HostileTokens_NeverEscapeTheRoot(string platform, string uploader, string title)
    {
        var rendered = PathTemplate.Render(VideoTemplate, new PathTokens { Platform = platform, Uploader = uploader, Title = title, Ext = "mp4" }, Now);
        Assert.False(Path.IsPathRooted(rendered));
        Assert.Equal(3, rendered.Split('/').Length);
        Assert.DoesNotContain(rendered.Split('/'), s => s is "." or ".." || s.Length == 0);
        var full = PathTemplate.ResolveUnder("/srv/media", rendered);
        Assert.StartsWith("/srv/media/", full);
    }

    [Fact]
    public void Render_LongTitle_CapsFileNameAndKeepsExtension()
    {
        var rendered = PathTemplate.Render("{title} [{id}] {uploader}.{ext}",
            new PathTokens { Title = new string('t', 500), Id = new string('i', 500), Uploader = new string('u', 500), Ext = "webm" }, Now);
        Assert.EndsWith(".webm", rendered);
        Assert.True(Encoding.UTF8.GetByteCount(rendered) <= PathSegment.MaxNameBytes);
    }

    [Fact]
    public void Render_LongFolderName_IsCapped()
    {
        var rendered = PathTemplate.Render("{uploader} {title}/{id}.{ext}",
            new PathTokens { Title = new string('t', 500), Uploader = new string('u', 500), Id = "x", Ext = "mp4" }, Now);
        var folder = rendered.Split('/')[0];
        Assert.True(Encoding.UTF8.GetByteCount(folder) <= PathSegment.MaxNameBytes);
        Assert.EndsWith("/x.mp4", rendered);
    }

    [Theory]
    [InlineData("MP4", "mp4")]
    [InlineData(".mkv", "mkv")]
    [InlineData("../sh", "sh")]
    [InlineData("", "bin")]
    [InlineData(null, "bin")]
    [InlineData("a/b", "ab")]
    [InlineData("verylongextension123", "verylongextensio")]
    public void SanitizeExtension_LettersAndDigitsOnly(string? ext, string expected) =>
        Assert.Equal(expected, PathTemplate.SanitizeExtension(ext));

    [Theory]
    [InlineData(VideoTemplate)]
    [InlineData("{uploader}/{title}.{ext}")]
    [InlineData("{year}/{month}/{kind}/{library}/{id}.{ext}")]
    [InlineData("Music {year}/{title} (live).{ext}")]
    public void Validate_GoodTemplates_Pass(string template) => PathTemplate.Validate(template);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{title}")]
    [InlineData("{ext}/{title}")]
    [InlineData("{titel}.{ext}")]
    [InlineData("{title.{ext}")]
    [InlineData("{title}}.{ext}")]
    [InlineData("/{title}.{ext}")]
    [InlineData("~/{title}.{ext}")]
    [InlineData("../{title}.{ext}")]
    [InlineData("a/../{title}.{ext}")]
    [InlineData("./{title}.{ext}")]
    [InlineData("a//{title}.{ext}")]
    [InlineData("{title}.{ext}/")]
    [InlineData("a\\{title}.{ext}")]
    [InlineData("a\u0001/{title}.{ext}")]
    [InlineData("{TITLE}.{ext}")]
    public void Validate_BadTemplates_ThrowNamingTheField(string template)
    {
        var ex = Assert.Throws<HubValidationException>(() => PathTemplate.Validate(template));
        Assert.Equal("pathTemplate", ex.Field);
    }

    [Fact]
    public void Validate_TooLong_Throws() =>
        Assert.Throws<HubValidationException>(() => PathTemplate.Validate(new string('a', 600) + "{ext}"));

    [Theory]
    [InlineData("/srv/media", "a/b.mp4", "/srv/media/a/b.mp4")]
    [InlineData("/srv/media/", "b.mp4", "/srv/media/b.mp4")]
    [InlineData("/srv/media", "a/./b.mp4", "/srv/media/a/b.mp4")]
    public void ResolveUnder_InsideRoot(string root, string relative, string expected) =>
        Assert.Equal(expected, PathTemplate.ResolveUnder(root, relative));

    [Theory]
    [InlineData("/srv/media", "../x.mp4")]
    [InlineData("/srv/media", "a/../../x.mp4")]
    [InlineData("/srv/media", "/etc/passwd")]
    [InlineData("/srv/media", "")]
    [InlineData("/srv/media", ".")]
    [InlineData("/srv/media", "../media2/x.mp4")]
    public void ResolveUnder_Escaping_Throws(string root, string relative) =>
        Assert.Throws<HubValidationException>(() => PathTemplate.ResolveUnder(root, relative));

    [Fact]
    public void ShortId_OfEntriesMadeTheSameMoment_TellsThemApart()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => PathTemplate.ShortId(Guid.CreateVersion7())).ToList();
        Assert.Equal(100, ids.Distinct().Count()); // the leading characters of a v7 id are its time, the same for all
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{8}$", id));
    }
}
