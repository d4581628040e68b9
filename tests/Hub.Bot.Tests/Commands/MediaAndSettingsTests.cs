using System.Text.Json.Nodes;
using Hub.Bot.Tests.Fakes;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Testing;

namespace Hub.Bot.Tests.Commands;

/// <summary>
/// The media itself in the chat (with what players show), each person's own settings (format, confirm, files or links,
/// admin notices), titles linked behind words with every remote text escaped, and inline mode.
/// </summary>
public sealed class MediaAndSettingsTests(BotFixture fx) : IClassFixture<BotFixture>
{
    private FakeBotApi Api => fx.Api;

    [Fact]
    public async Task Result_SendsTheVideoItself_WithDurationSizeCoverAndStreaming_TitleAsCaption()
    {
        const long user = 8001;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.Off);
        var clip = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "sent-video");
        fx.Site.MapFile("sent-video.mp4", clip, "video/mp4");
        Api.PushUpdate(FakeBotApi.TextUpdate(user, fx.Site.Url("sent-video.mp4").AbsoluteUri));

        var done = await Api.WaitForTextAsync(user, "✅ Done: sent-video");
        var video = await Api.WaitForAsync(c => c.Method == "sendVideo" && c.ChatId == user, "the video sent");
        Assert.Equal("sent-video", video.Params["caption"]!.ToString());
        Assert.Equal("5", video.Params["duration"]!.ToString());
        Assert.Equal(("320", "240"), (video.Params["width"]!.ToString(), video.Params["height"]!.ToString()));
        Assert.Equal("true", video.Params["supports_streaming"]!.ToString(), ignoreCase: true);
        Assert.Equal(new FileInfo(clip).Length, (long)video.Params["file:video"]!);
        Assert.True((long)video.Params["file:thumbnail"]! > 0);
        Assert.DoesNotContain(done.Buttons, b => b.Text.Contains("Send me the file", StringComparison.Ordinal)); // it was sent already
    }

    [Fact]
    public async Task OwnSettings_MP3AndLinksOnly_ApplyToThatPersonOnly_AndAudioComesWithTitleAndPerformer()
    {
        const long user = 8002;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.Off);
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/settings"));
        var settings = await Api.WaitForTextAsync(user, "👤 Your settings");
        fx.Press(user, settings, "MP3");
        var saved = await Api.WaitForAsync(c => c.Method == "editMessageText" && c.ChatId == user && c.Text!.Contains("Format: MP3 (your choice)", StringComparison.Ordinal),
            "MP3 saved");

        // MP3 chosen, a video link sent: the sound is kept, filed as music, and sent as audio with its tags.
        fx.Site.MapFile("own-mp3.mp4", await TaggedAsync("own-mp3.mp4", "Sängerin am Meer", "Kapelle Nord"), "video/mp4");
        Api.PushUpdate(FakeBotApi.TextUpdate(user, fx.Site.Url("own-mp3.mp4").AbsoluteUri));
        var done = await Api.WaitForTextAsync(user, "✅ Done: Sängerin am Meer");
        Assert.Contains("Library: Music", done.Text, StringComparison.Ordinal);
        var audio = await Api.WaitForAsync(c => c.Method == "sendAudio" && c.ChatId == user, "the audio sent");
        Assert.Equal(("Sängerin am Meer", "Kapelle Nord", "5"), (audio.Params["title"]!.ToString(), audio.Params["performer"]!.ToString(), audio.Params["duration"]!.ToString()));

        // Links only: the next result comes without the file, with the button to ask for it.
        fx.Press(user, saved, "Links only");
        await Api.WaitForAsync(c => c.Method == "editMessageText" && c.ChatId == user && c.Text!.Contains("When done: links only (your choice)", StringComparison.Ordinal),
            "links only saved");
        fx.Site.MapFile("own-links.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "own-links"), "video/mp4");
        Api.PushUpdate(FakeBotApi.TextUpdate(user, fx.Site.Url("own-links.mp4").AbsoluteUri));
        var linked = await Api.WaitForTextAsync(user, "✅ Done: own-links");
        Assert.Contains(linked.Buttons, b => b.Text.Contains("Send me the file", StringComparison.Ordinal));
        Assert.Single(linked.Links);
        await Task.Delay(300);
        Assert.Single(Api.CallsOf("sendAudio"), c => c.ChatId == user);
        Assert.DoesNotContain(Api.CallsOf("sendVideo"), c => c.ChatId == user);
        fx.Press(user, linked, "Send me the file"); // on request it still comes, with its attributes
        var asked = await Api.WaitForAsync(c => c.Method == "sendAudio" && c.ChatId == user && c.Params["caption"]?.ToString() == "own-links", "the file on request (MP3 still)");
        Assert.Equal(("own-links", "5"), (asked.Params["caption"]!.ToString(), asked.Params["duration"]!.ToString()));

        // Someone else still gets the admin's defaults: video, sent as video.
        const long other = 8003;
        await fx.AllowAsync(other);
        fx.Site.MapFile("other-default.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "other-default"), "video/mp4");
        Api.PushUpdate(FakeBotApi.TextUpdate(other, fx.Site.Url("other-default.mp4").AbsoluteUri));
        Assert.Contains("Library: Videos", (await Api.WaitForTextAsync(other, "✅ Done: other-default")).Text, StringComparison.Ordinal);
        await Api.WaitForAsync(c => c.Method == "sendVideo" && c.ChatId == other, "the other's video");
    }

    [Fact]
    public async Task OwnConfirmOff_ImportsAtOnce_WhileTheDefaultIsToPreview()
    {
        const long user = 8004;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.On);
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/settings"));
        var settings = await Api.WaitForTextAsync(user, "👤 Your settings");
        Assert.Contains("Confirm before importing: on (as for everyone)", settings.Text, StringComparison.Ordinal);
        Assert.Contains("Format: each library's own (as for everyone)", settings.Text, StringComparison.Ordinal);
        var offButton = settings.Buttons.Single(b => b.Data == "us:c:off");
        Api.PushUpdate(FakeBotApi.CallbackUpdate(user, FakeBotApi.MessageIdOf(settings), offButton.Data!));
        await Api.WaitForAsync(c => c.Method == "editMessageText" && c.ChatId == user && c.Text!.Contains("Confirm before importing: off (your choice)", StringComparison.Ordinal),
            "confirm off saved");

        fx.Site.MapFile("own-confirm.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "own-confirm"), "video/mp4");
        Api.PushUpdate(FakeBotApi.TextUpdate(user, fx.Site.Url("own-confirm.mp4").AbsoluteUri));
        await Api.WaitForTextAsync(user, "✅ Done: own-confirm");
        Assert.DoesNotContain(Api.Calls, c => c.ChatId == user && c.Text?.Contains("Pick, then press Import.", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task HostileTitles_AreEscaped_InResults_Recent_AndSearch_AndTitlesAreLinked()
    {
        const long user = 8005;
        const string hostile = "<b>x</b>&<a href=\"http://evil.example/\">y</a>";
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.Off);
        fx.Site.MapFile("hostile.mp4", await TaggedAsync("hostile.mp4", hostile, null), "video/mp4");
        Api.PushUpdate(FakeBotApi.TextUpdate(user, fx.Site.Url("hostile.mp4").AbsoluteUri));
        var done = await Api.WaitForTextAsync(user, "✅ Done: " + hostile);
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/recent"));
        var recent = await Api.WaitForTextAsync(user, "🕒 Recently added");
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/search evil"));
        var search = await Api.WaitForTextAsync(user, "🔎 “evil”");
        foreach (var call in new[] { done, recent, search })
        {
            Assert.True(call.IsHtml, call.Method);
            Assert.Contains("&lt;b&gt;x&lt;/b&gt;&amp;&lt;a href=&quot;http://evil.example/&quot;&gt;y&lt;/a&gt;", call.Html, StringComparison.Ordinal);
            Assert.Contains(hostile, call.Text, StringComparison.Ordinal);
            Assert.NotEmpty(call.Links);
            Assert.All(call.Links, l => Assert.StartsWith("http://hub.test/s/", l, StringComparison.Ordinal));
            Assert.DoesNotContain("http://hub.test/s/", call.Text, StringComparison.Ordinal); // links are behind words, not spelled out
        }
    }

    [Fact]
    public async Task InlineQuery_GivesAllowedPeopleLinkedHits_AndOthersNothing()
    {
        const long user = 8006, stranger = 8007, blocked = 8008;
        await fx.AllowAsync(user);
        await fx.App.Get<ContactService>().AddAsync(blocked, Roles.User, ContactStatuses.Blocked, CancellationToken.None);
        await fx.SetConfirmAsync(BotConfirm.Off);
        fx.Site.MapFile("inline-zebra.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "inline-zebra"), "video/mp4");
        Api.PushUpdate(FakeBotApi.TextUpdate(user, fx.Site.Url("inline-zebra.mp4").AbsoluteUri));
        await Api.WaitForTextAsync(user, "✅ Done: inline-zebra");

        Api.PushUpdate(FakeBotApi.InlineQueryUpdate(user, "zebra"));
        Api.PushUpdate(FakeBotApi.InlineQueryUpdate(stranger, "zebra"));
        Api.PushUpdate(FakeBotApi.InlineQueryUpdate(blocked, "zebra"));
        var answers = new List<ApiCall>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await Api.WaitForAsync(c => c.Method == "answerInlineQuery" && !answers.Contains(c), $"inline answer {i + 1}"));
        }
        var results = answers.Select(a => (JsonArray)(a.Params["results"] is JsonValue v ? JsonNode.Parse(v.ToString())! : a.Params["results"]!)).ToList();
        var withHits = Assert.Single(results, r => r.Count > 0);
        var hit = withHits[0]!;
        Assert.Equal("article", hit["type"]!.ToString());
        Assert.Equal("inline-zebra", hit["title"]!.ToString());
        var content = hit["input_message_content"]!;
        Assert.Equal("HTML", content["parse_mode"]!.ToString(), ignoreCase: true);
        Assert.Contains("<a href=\"http://hub.test/s/", content["message_text"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, results.Count(r => r.Count == 0));
        Assert.All(answers, a => Assert.Equal("true", a.Params["is_personal"]?.ToString(), ignoreCase: true));
        Assert.Null(await fx.App.Get<ContactService>().FindAsync(stranger, CancellationToken.None)); // asking inline makes nobody a contact
    }

    [Fact]
    public async Task AdminWithNoticesOn_HearsOfInboxItems_AndOfApprovedItemsFinishing()
    {
        Api.PushUpdate(FakeBotApi.TextUpdate(BotFixture.AdminId, "/settings"));
        var own = await Api.WaitForTextAsync(BotFixture.AdminId, "👤 Your settings");
        var on = own.Buttons.Single(b => b.Data == "us:n:1");
        Api.PushUpdate(FakeBotApi.CallbackUpdate(BotFixture.AdminId, FakeBotApi.MessageIdOf(own), on.Data!));
        await Api.WaitForAsync(c => c.Method == "editMessageText" && c.ChatId == BotFixture.AdminId
            && c.Text!.Contains("Notices about the inbox, approved items and failures: on", StringComparison.Ordinal), "notices on");

        fx.Site.MapFile("needs-review.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "needs-review"), "video/mp4");
        var job = await fx.App.Get<ImportService>().ImportAsync(new ImportRequest
        {
            Url = fx.Site.Url("needs-review.mp4").AbsoluteUri, Mode = ImportModes.Review, Door = Doors.Api, RequestedBy = "telegram:8009",
        }, CancellationToken.None);
        await Api.WaitForTextAsync(BotFixture.AdminId, "📥 Waiting for your approval: needs-review");
        await fx.App.Get<ImportService>().ApproveAsync(job.Id, null, "admin", CancellationToken.None);
        Assert.Equal(JobStates.Completed, (await fx.WaitJobAsync(job.Id)).State);
        await Api.WaitForTextAsync(BotFixture.AdminId, "✅ An approved import finished: needs-review in Videos");
        await Task.Delay(300);
        Assert.Single(Api.Calls, c => c.ChatId == BotFixture.AdminId && c.Text?.StartsWith("📥 Waiting for your approval: needs-review", StringComparison.Ordinal) == true);
    }

    /// <summary>A copy of the test clip with title (and artist) tags.</summary>
    private static async Task<string> TaggedAsync(string name, string title, string? artist)
    {
        var path = Path.Combine(Path.GetTempPath(), "hub-bot-tagged-" + Guid.NewGuid().ToString("N")[..8] + "-" + name);
        List<string> args = ["-hide_banner", "-loglevel", "error", "-y", "-i", await TestMedia.VideoAsync(), "-map", "0", "-c", "copy", "-metadata", "title=" + title];
        if (artist is not null)
        {
            args.AddRange(["-metadata", "artist=" + artist]);
        }
        args.AddRange(["-metadata", "comment=" + Guid.NewGuid(), path]);
        var result = await TestPostgres.Runner.RunAsync(new Hub.Domain.Processes.ProcessSpec("ffmpeg", args) { Timeout = TimeSpan.FromSeconds(60) }, CancellationToken.None);
        Assert.True(result.Succeeded, result.Stderr);
        return path;
    }
}
