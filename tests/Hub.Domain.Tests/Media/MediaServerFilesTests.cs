using System.Xml.Linq;
using Hub.Domain.Access;
using Hub.Domain.Entries;
using Hub.Domain.Jobs;
using Hub.Domain.Media;
using Hub.Domain.Tests.Imports;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Tests.Media;

public sealed class NfoPipelineFixture : PipelineFixture
{
    protected override IDictionary<string, string?> Settings => WithNfo(base.Settings);

    /// <summary>A fixture's settings with Hub's global <c>Hub:MediaServer:WriteNfo</c> on.</summary>
    public static IDictionary<string, string?> WithNfo(IDictionary<string, string?> settings)
    {
        settings["Hub:MediaServer:WriteNfo"] = "true";
        return settings;
    }
}

/// <summary><c>Hub:MediaServer:WriteNfo</c>: NAME.nfo and NAME-poster.jpg beside an imported video, gone with its file.</summary>
public sealed class MediaServerFilesTests(NfoPipelineFixture fx) : IClassFixture<NfoPipelineFixture>
{
    [Fact]
    public async Task AnImportedVideo_GetsAnNfoAndAPoster_ThatGoWhenTheEntryIsDeleted()
    {
        var job = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url("page.html").AbsoluteUri)).Id);
        Assert.Equal(JobStates.Completed, job.State);
        var entry = await fx.EntryAsync(job.EntryId!.Value);

        var nfo = MediaServerFiles.NfoPath(entry.FilePath);
        Assert.True(File.Exists(nfo), $"no {nfo}");
        var movie = XDocument.Load(nfo).Root!;
        Assert.Equal("movie", movie.Name.LocalName);
        Assert.Equal("OG Test Clip", movie.Element("title")?.Value);
        Assert.Equal("A test page", movie.Element("plot")?.Value);
        Assert.Equal(entry.Id.ToString(), movie.Elements("uniqueid").Single(u => (string?)u.Attribute("type") == "hub").Value);
        if (entry.ThumbnailPath is null)
        {
            // yt-dlp brought no picture from the page (its fetch of poster.jpg failed): the thumbnail follows in its own
            // job, committed with the import's completion, and the poster with it.
            Assert.Equal(JobStates.Completed, (await fx.ThumbnailJobAsync(entry.Id)).State);
            entry = await fx.EntryAsync(entry.Id);
        }
        var poster = MediaServerFiles.PosterPath(entry.FilePath);
        Assert.True(File.Exists(poster), $"no {poster}");
        Assert.Equal(await File.ReadAllBytesAsync(entry.ThumbnailPath!), await File.ReadAllBytesAsync(poster));

        await fx.Get<EntryService>().DeleteAsync(Requester.Local("test", "test", Roles.Admin), entry.Id, keepFile: false, CancellationToken.None);
        Assert.False(File.Exists(entry.FilePath));
        Assert.False(File.Exists(nfo));
        Assert.False(File.Exists(poster));
    }

    [Fact]
    public void RemoteText_IsEscaped_AndCharactersXmlCannotHoldAreDropped()
    {
        var entry = new Entry
        {
            Id = Guid.NewGuid(), Title = "<b>Evil</b> & \u0001title", FilePath = "/x/clip.mp4", Uploader = "</studio><x>",
            DurationSeconds = 125, Platform = "youtube", SourceId = "abc", Tags = ["a&b"],
        };
        var text = MediaServerFiles.Nfo(entry, "line\u0000one", new DateOnly(2024, 5, 6)).ToString();
        var movie = XDocument.Parse(text).Root!;
        Assert.Equal("<b>Evil</b> & title", movie.Element("title")!.Value);
        Assert.Equal("</studio><x>", movie.Element("studio")!.Value);
        Assert.Equal("lineone", movie.Element("plot")!.Value);
        Assert.Equal("2024-05-06", movie.Element("premiered")!.Value);
        Assert.Equal("2", movie.Element("runtime")!.Value);
        Assert.Equal("abc", movie.Elements("uniqueid").Single(u => (string?)u.Attribute("type") == "youtube").Value);
    }

    [Fact]
    public void Off_WritesNothing()
    {
        var dir = Directory.CreateTempSubdirectory("hub-nfo-off-").FullName;
        var files = new MediaServerFiles(Options.Create(new HubOptions()), NullLogger<MediaServerFiles>.Instance);
        files.Write(new Entry { Title = "t", FilePath = Path.Combine(dir, "clip.mp4") }, null, null);
        Assert.Empty(Directory.EnumerateFiles(dir));
    }
}
