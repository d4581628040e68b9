using Hub.Domain.Entries;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Domain.Media;
using Hub.Domain.Tests.Imports;
using Hub.Testing;

namespace Hub.Domain.Tests.Media;

/// <summary>Subtitles from a file's own text stream and from a page's &lt;track&gt; (through yt-dlp), filed beside the media and read back as text.</summary>
[Collection("pipeline")]
public sealed class SubtitleTests(PipelineFixture fx) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task EmbeddedTextStream_IsExtracted_BesideTheFile_AndReadsAsATranscript()
    {
        fx.Site.MapFile("subtitled.mkv", await TestMedia.SubtitledVideoAsync(), "video/x-matroska");
        var done = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url("subtitled.mkv").AbsoluteUri)).Id);
        Assert.True(done.State == JobStates.Completed, done.Error);

        var entry = await fx.EntryAsync(done.EntryId!.Value);
        var track = Assert.Single(EntrySubtitles.Of(entry));
        Assert.Equal(("eng", "embedded"), (track.Lang, track.Source));
        Assert.True(File.Exists(Path.ChangeExtension(entry.FilePath, null) + ".eng.vtt"));

        var text = await EntrySubtitles.ReadAsync(entry, track, 0, timestamps: false, CancellationToken.None);
        Assert.Equal("Hello from the test clip. The quick brown fox jumps. Goodbye & thanks.", text.Text);
        Assert.Null(text.NextCursor);
        var stamped = await EntrySubtitles.ReadAsync(entry, track, 1, timestamps: true, CancellationToken.None);
        Assert.Equal("[0:02] The quick brown fox jumps.\n[0:03] Goodbye & thanks.", stamped.Text);

        // Deleting the entry takes its subtitles along.
        await fx.Get<EntryService>().DeleteAsync(new Hub.Domain.Access.Requester("test", "test", true), entry.Id, keepFile: false, CancellationToken.None);
        Assert.False(File.Exists(track.PathFor(entry.FilePath)));
    }

    [Fact]
    public async Task SpokenPhrase_FindsTheEntry_AndTheBackfillIndexesOlderEntries()
    {
        fx.Site.MapFile("domain-talk.mkv", await TestMedia.SpeakingVideoAsync("domain-search", "Purple elephants juggle marmalade."), "video/x-matroska");
        var done = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url("domain-talk.mkv").AbsoluteUri)).Id);
        Assert.True(done.State == JobStates.Completed, done.Error);
        var id = done.EntryId!.Value;
        var entries = fx.Get<EntryService>();
        async Task<IEnumerable<Guid>> Find(string q) =>
            (await entries.QueryAsync(new EntryQuery { Q = q }, CancellationToken.None)).Items.Select(e => e.Id);

        Assert.Contains(id, await Find("juggle marmalade"));
        Assert.Contains(id, await Find("\"elephants juggle\""));
        Assert.DoesNotContain(id, await Find("\"juggle elephants\""));

        // An entry from before subtitles were indexed (vector NULL) is found once housekeeping's backfill has run.
        var factory = fx.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<Hub.Domain.Storage.HubDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database,
                "UPDATE entries SET subtitle_vector = NULL WHERE id = {0}", id);
        }
        Assert.DoesNotContain(id, await Find("juggle marmalade"));
        var summary = await fx.Get<Hub.Domain.Maintenance.MaintenanceHandler>().CleanAsync(CancellationToken.None);
        Assert.True(summary.SubtitlesIndexed >= 1);
        Assert.Contains(id, await Find("juggle marmalade"));
    }

    [Fact]
    public async Task PageTrack_IsFetchedByYtDlp_AsWebVtt()
    {
        var (entry, track) = await ImportPageWithEnglishTrackAsync("talk", "vtt",
            "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nWelcome to <b>the talk</b>.\n\n00:00:02.000 --> 00:00:04.000\nSecond line.\n", "text/vtt");
        Assert.Equal("Welcome to the talk. Second line.", (await EntrySubtitles.ReadAsync(entry, track, 0, false, CancellationToken.None)).Text);
    }

    [Fact]
    public async Task SrtTrack_IsConvertedByYtDlp_ToWebVtt()
    {
        var (entry, track) = await ImportPageWithEnglishTrackAsync("lecture", "srt",
            "1\n00:00:00,000 --> 00:00:02,000\nThe first <i>lecture</i> line.\n\n2\n00:00:02,000 --> 00:00:04,000\nAnd the second.\n", "application/x-subrip");
        var vtt = await File.ReadAllTextAsync(track.PathFor(entry.FilePath));
        Assert.StartsWith("WEBVTT", vtt, StringComparison.Ordinal);
        Assert.Contains("00:02.000 --> 00:04.000", vtt, StringComparison.Ordinal); // SubRip's "00:00:02,000" as WebVTT writes it
        Assert.Equal("The first lecture line. And the second.", (await EntrySubtitles.ReadAsync(entry, track, 0, false, CancellationToken.None)).Text);
    }

    /// <summary>
    /// Serves NAME.html with a video and one English &lt;track&gt; (NAME.en.EXT), imports the page through the real yt-dlp,
    /// and returns the entry with its one track, which must be that English site track.
    /// </summary>
    private async Task<(Entry Entry, SubtitleTrack Track)> ImportPageWithEnglishTrackAsync(string name, string ext, string trackBody, string contentType)
    {
        var clip = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "subtitles-page-" + name);
        fx.Site.MapFile(name + ".mp4", clip, "video/mp4")
            .MapText($"{name}.en.{ext}", trackBody, contentType)
            .MapText(name + ".html", $"""
                <html><head><title>{name}</title><meta property="og:title" content="A Page With Captions"></head>
                <body><video src="{name}.mp4"><track kind="subtitles" srclang="en" label="English" src="{name}.en.{ext}"></video></body></html>
                """);
        var done = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url(name + ".html").AbsoluteUri)).Id);
        Assert.True(done.State == JobStates.Completed, done.Error);
        var entry = await fx.EntryAsync(done.EntryId!.Value);
        var track = Assert.Single(EntrySubtitles.Of(entry));
        Assert.Equal(("en", "site"), (track.Lang, track.Source));
        return (entry, track);
    }

    [Fact]
    public async Task LibraryLanguages_DecideWhichTracksYtDlpFetches_AndNullFollowsHubsSetting()
    {
        var libraries = fx.Get<LibraryService>();
        var german = await libraries.CreateAsync(new LibraryInput("German talks", SubtitleLanguages: ["de"]), CancellationToken.None);
        var hubs = await libraries.CreateAsync(new LibraryInput("Talks as Hub is set"), CancellationToken.None);
        Assert.Null(hubs.SubtitleLanguages);

        // Two pages (two videos), each offering the same English and German tracks; Hub's own setting is English.
        foreach (var page in new[] { "bilingual-de", "bilingual-hub" })
        {
            fx.Site.MapFile(page + ".mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), page), "video/mp4")
                .MapText(page + ".en.vtt", "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nGood morning.\n", "text/vtt")
                .MapText(page + ".de.vtt", "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nGuten Morgen.\n", "text/vtt")
                .MapText(page + ".html", $"""
                    <html><head><title>Bilingual</title></head><body><video src="{page}.mp4">
                    <track kind="subtitles" srclang="en" label="English" src="{page}.en.vtt">
                    <track kind="subtitles" srclang="de" label="Deutsch" src="{page}.de.vtt"></video></body></html>
                    """);
        }
        async Task<Entry> Import(string page, Library library)
        {
            var done = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url(page + ".html").AbsoluteUri, library.Slug)).Id);
            Assert.True(done.State == JobStates.Completed, done.Error);
            return await fx.EntryAsync(done.EntryId!.Value);
        }

        var inGerman = await Import("bilingual-de", german);
        var track = Assert.Single(EntrySubtitles.Of(inGerman));
        Assert.Equal("de", track.Lang);
        Assert.Equal("Guten Morgen.", (await EntrySubtitles.ReadAsync(inGerman, track, 0, false, CancellationToken.None)).Text);
        Assert.False(File.Exists(Path.ChangeExtension(inGerman.FilePath, null) + ".en.vtt"));

        var asHub = await Import("bilingual-hub", hubs);
        Assert.Equal(["en"], EntrySubtitles.Of(asHub).Select(t => t.Lang).ToArray());
    }

    [Fact]
    public void WebVtt_Cues_LoseTags_AndRepeatedRollingLines()
    {
        var cues = WebVtt.Parse("WEBVTT\nKind: captions\n\n1\n00:00:01.000 --> 00:00:02.500 align:start\n<c>hello</c> <00:00:01.500>world\n\n"
            + "00:00:02.500 --> 00:00:03.000\nhello world\n\n01:00:03.000 --> 01:00:04.000\n&lt;b&gt; is not a tag\n");
        Assert.Equal(["hello world", "<b> is not a tag"], cues.Select(c => c.Text).ToArray());
        Assert.Equal(3603, cues[1].Start);
        Assert.Equal("1:00:03", WebVtt.Stamp(cues[1].Start));
    }

    [Fact]
    public void EditedProperties_CannotPointATrackOutsideTheFolder()
    {
        var entry = new Entry
        {
            Id = Guid.NewGuid(), Title = "t", FilePath = "/media/videos/t.mp4", MediaKind = "video",
            Properties = System.Text.Json.JsonDocument.Parse("""{"subtitles":[{"lang":"../../etc/passwd","source":"site"},{"lang":"en","source":"site"}]}"""),
        };
        Assert.Equal(["en"], EntrySubtitles.Of(entry).Select(t => t.Lang).ToArray());
    }
}
