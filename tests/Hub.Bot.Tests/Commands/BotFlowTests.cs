using System.Text.Json.Nodes;
using Hub.Bot.Menus;
using Hub.Bot.Notifications;
using Hub.Bot.Receiving;
using Hub.Bot.Tests.Fakes;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;

namespace Hub.Bot.Tests.Commands;

/// <summary>Whole conversations: the real app, real pipeline and database, the bot polling a fake Bot API.</summary>
public sealed class BotFlowTests(BotFixture fx) : IClassFixture<BotFixture>
{
    private FakeBotApi Api => fx.Api;

    [Fact]
    public async Task UnknownUser_IsPending_CausesNothing_UntilAnAdminApproves()
    {
        const long user = 2001;
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/start", "Carol"));
        await Api.WaitForTextAsync(user, "An admin needs to approve you");
        var notice = await Api.WaitForTextAsync(BotFixture.AdminId, $"(id {user}) wants to use the bot");
        Assert.Contains(notice.Buttons, b => b.Data == $"ct:a:{user}:n");
        Assert.Equal(ContactStatuses.Pending, (await fx.App.Get<ContactService>().GetAsync(user, CancellationToken.None)).Status);

        // A pending user's link creates nothing.
        var site = fx.Site.Url("pending.mp4").AbsoluteUri;
        Api.PushUpdate(FakeBotApi.TextUpdate(user, site, "Carol"));
        await Api.WaitForTextAsync(user, "still waiting");
        Assert.Empty(await fx.JobsOfAsync(user));
        Assert.Equal(0, fx.Site.Count("pending.mp4"));

        fx.Press(BotFixture.AdminId, notice, "Approve");
        await Api.WaitForAsync(c => c.Method == "answerCallbackQuery", "the approve press answered");
        await Api.WaitForTextAsync(BotFixture.AdminId, "Carol (@user2001) approved");
        await Api.WaitForTextAsync(user, "You're in!");
        Assert.Equal(ContactStatuses.Allowed, (await fx.App.Get<ContactService>().GetAsync(user, CancellationToken.None)).Status);

        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/help", "Carol"));
        await Api.WaitForTextAsync(user, "Your role: user.");

        var log = await fx.App.Get<InteractionLog>().ListAsync(new InteractionFilter { TelegramId = user }, CancellationToken.None);
        Assert.Contains(log.Items, i => i.Kind == InteractionKinds.Command && i.Text == "/start" && i.Result.StartsWith("pending", StringComparison.Ordinal));
        Assert.Contains(log.Items, i => i.Kind == InteractionKinds.Message && i.Result == "pending");
        var adminLog = await fx.App.Get<InteractionLog>().ListAsync(new InteractionFilter { TelegramId = BotFixture.AdminId }, CancellationToken.None);
        Assert.Contains(adminLog.Items, i => i.Kind == InteractionKinds.Callback && i.Text == $"ct:a:{user}:n");
    }

    [Fact]
    public async Task BlockedUser_IsIgnored()
    {
        const long user = 2002;
        await fx.App.Get<ContactService>().AddAsync(user, Roles.User, ContactStatuses.Blocked, CancellationToken.None);
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/start"));
        Api.PushUpdate(FakeBotApi.TextUpdate(user, fx.Site.Url("blocked.mp4").AbsoluteUri));
        await WaitInteractionsAsync(user, 2);
        Assert.DoesNotContain(Api.Calls, c => c.ChatId == user);
        Assert.Empty(await fx.JobsOfAsync(user));
    }

    [Fact]
    public async Task Url_WithConfirmOn_ShowsChoices_ImportsOnConfirm_AndTheMessageFollowsTheJob()
    {
        const long user = 3001;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.On);
        var clip = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "bot-preview");
        fx.Site.MapFile("preview.mp4", clip, "video/mp4");
        var url = fx.Site.Url("preview.mp4").AbsoluteUri;

        Api.PushUpdate(FakeBotApi.TextUpdate(user, url));
        var preview = await Api.WaitForTextAsync(user, "Pick, then press Import.");
        Assert.Contains("preview", preview.Text, StringComparison.Ordinal);
        Assert.Contains(preview.Buttons, b => b.Text.Contains("MP3", StringComparison.Ordinal));
        Assert.All(preview.Buttons, b => Assert.True(System.Text.Encoding.UTF8.GetByteCount(b.Data!) <= 64));
        Assert.Empty(await fx.JobsOfAsync(user)); // nothing before the confirm

        fx.Press(user, preview, "Videos");
        var picked = await Api.WaitForAsync(c => c.Method == "editMessageText" && c.ChatId == user && c.Text!.Contains("Library: Videos", StringComparison.Ordinal),
            "the library pick shown");
        Assert.Contains(picked.Buttons, b => b.Text == "✓ Videos");

        fx.Press(user, picked, "Import");
        var done = await Api.WaitForTextAsync(user, "✅ Done: preview");
        Assert.Contains("Library: Videos", done.Text, StringComparison.Ordinal);
        Assert.Equal(FakeBotApi.MessageIdOf(preview), done.MessageId); // the same message all along

        // The link in the result streams the file, without a token, with ranges.
        var link = Assert.Single(done.Links);
        Assert.StartsWith("http://hub.test/s/", link, StringComparison.Ordinal);
        using (var http = fx.App.CreateClient())
        {
            var whole = await http.GetByteArrayAsync(new Uri(link).PathAndQuery);
            Assert.Equal(await File.ReadAllBytesAsync(clip), whole);
            using var range = new HttpRequestMessage(HttpMethod.Get, new Uri(link).PathAndQuery);
            range.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, 199);
            using var partial = await http.SendAsync(range);
            Assert.Equal(System.Net.HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(100, (await partial.Content.ReadAsByteArrayAsync()).Length);
        }

        var job = Assert.Single(await fx.JobsOfAsync(user));
        Assert.Equal((JobStates.Completed, "bot"), (job.State, job.Door));
        // The job's message went through running states before the result.
        var edits = Api.CallsOf("editMessageText").Where(c => c.ChatId == user && c.MessageId == done.MessageId).Select(c => c.Text!).ToList();
        Assert.Contains(edits, t => t.Contains("Job " + Texts.ShortId(job.Id), StringComparison.Ordinal));

        // The file itself follows the result, whole (the default is to send files).
        var upload = await Api.WaitForAsync(c => c.Method == "sendVideo" && c.ChatId == user, "the file uploaded");
        Assert.Equal(new FileInfo(clip).Length, (long)upload.Params["file:video"]!);

        // The used Import button is stale now: answered (the preview is the import's message now), nothing created.
        var answers = Api.CallsOf("answerCallbackQuery").Count;
        fx.Press(user, picked, "Import");
        await Api.WaitForAsync(c => c.Method == "answerCallbackQuery" && c.Params["text"]?.ToString().StartsWith("Already importing", StringComparison.Ordinal) == true,
            "the stale press answered");
        Assert.True(Api.CallsOf("answerCallbackQuery").Count > answers);
        Assert.Single(await fx.JobsOfAsync(user));

        // The same link again: the preview says it is in the library already, before anyone presses Import.
        Api.PushUpdate(FakeBotApi.TextUpdate(user, url));
        var again = await Api.WaitForAsync(c => c.ChatId == user && c.Text?.Contains("📚 Already in the library: preview", StringComparison.Ordinal) == true,
            "the second preview naming the entry");
        Assert.Contains("Pick, then press Import.", again.Text, StringComparison.Ordinal);
        Assert.Single(await fx.JobsOfAsync(user));
    }

    [Fact]
    public async Task ReplayedUpdate_CreatesOneJob()
    {
        const long user = 3002;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.Off);
        fx.Site.MapFile("replay.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "bot-replay"), "video/mp4");
        var update = FakeBotApi.TextUpdate(user, fx.Site.Url("replay.mp4").AbsoluteUri);
        update["update_id"] = 777_000_001L;
        Api.PushUpdate((JsonObject)update.DeepClone());
        Api.PushUpdate((JsonObject)update.DeepClone()); // Telegram delivering it twice

        var done = await Api.WaitForTextAsync(user, "✅ Done: replay");
        var job = Assert.Single(await fx.JobsOfAsync(user));
        Assert.Equal(JobStates.Completed, job.State);
        // Once more, as a webhook retry would: recorded before, so skipped.
        var again = System.Text.Json.JsonSerializer.Deserialize<global::Telegram.Bot.Types.Update>(update.ToJsonString(), global::Telegram.Bot.JsonBotAPI.Options)!;
        Assert.False(await fx.App.Get<UpdateQueue>().AcceptAsync(again, CancellationToken.None));
        await Task.Delay(500);
        Assert.Single(await fx.JobsOfAsync(user));
        Assert.Single(Api.CallsOf("sendMessage"), c => c.ChatId == user);
        // The polling offset is stored past it, for the next start.
        Assert.True(await fx.App.Get<UpdateLedger>().GetOffsetAsync(CancellationToken.None) > 777_000_001L);
        Assert.NotNull(done);
    }

    [Fact]
    public async Task FileMessage_IsFetched_AndImported()
    {
        const long user = 3003;
        await fx.AllowAsync(user);
        var clip = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "bot-file");
        Api.AddFile("file-small", clip);
        Api.PushUpdate(FakeBotApi.FileUpdate(user, "video", "file-small", new FileInfo(clip).Length, "holiday.mp4"));
        var done = await Api.WaitForTextAsync(user, "✅ Done: holiday");
        Assert.Contains("Library: Videos", done.Text, StringComparison.Ordinal);
        Assert.Single(Api.CallsOf("file"));
        var job = Assert.Single(await fx.JobsOfAsync(user));
        await using var db = fx.App.CreateDb();
        var entry = await db.Entries.AsNoTracking().SingleAsync(e => e.Id == job.EntryId);
        Assert.Equal(new FileInfo(clip).Length, entry.SizeBytes);
    }

    [Fact]
    public async Task FileOverTwentyMegabytes_GetsAClearMessage_AndIsNotFetched()
    {
        const long user = 3004;
        await fx.AllowAsync(user);
        Api.PushUpdate(FakeBotApi.FileUpdate(user, "document", "file-big", 25L * 1024 * 1024, "big.mkv"));
        var reply = await Api.WaitForTextAsync(user, "up to 20 MB");
        Assert.Contains("25 MB", reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Api.CallsOf("getFile"), c => c.Params["file_id"]?.ToString() == "file-big");
        Assert.Empty(await fx.JobsOfAsync(user));
    }

    [Fact]
    public async Task AFailingHandler_Apologises_WithAnErrorId_AndTheLoopGoesOn()
    {
        const long user = 3005;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.On);
        Api.FailNext("sendMessage", 400, """{"ok":false,"error_code":400,"description":"Bad Request: something odd"}""");
        Api.PushUpdate(FakeBotApi.TextUpdate(user, fx.Site.Url("odd.mp4").AbsoluteUri));
        var apology = await Api.WaitForTextAsync(user, "Sorry, something went wrong on my side (error id ");
        var errorId = apology.Text!.Split("error id ")[1][..8];
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/help"));
        await Api.WaitForTextAsync(user, "Your role: user.");
        var log = await fx.App.Get<InteractionLog>().ListAsync(new InteractionFilter { TelegramId = user }, CancellationToken.None);
        Assert.Contains(log.Items, i => i.Result == "error " + errorId);
    }

    [Fact]
    public async Task Jobs_AndCancel_ShowOnlyYourOwn()
    {
        const long user = 3006;
        await fx.AllowAsync(user);
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/jobs"));
        await Api.WaitForTextAsync(user, "You have no imports in progress.");
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/cancel abcd1234"));
        await Api.WaitForTextAsync(user, "No import of yours in progress has the id abcd1234");
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/settings"));
        var own = await Api.WaitForTextAsync(user, "👤 Your settings");
        Assert.DoesNotContain(Api.Calls, c => c.ChatId == user && c.Text?.Contains("⚙️ Bot settings", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(own.Buttons, b => b.Text.Contains("Tell me about work", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CancelButton_OfSomeoneElsesImport_IsNotFound_AndCancelsNothing_WhileTheOwnerCan()
    {
        const long owner = 3008, other = 3009;
        await fx.AllowAsync(owner);
        await fx.AllowAsync(other);
        fx.Site.MapFile("theirs.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "theirs"), "video/mp4");
        // Waiting for an admin's review: an import that stays active.
        var job = await fx.App.Get<ImportService>().ImportAsync(new ImportRequest
        {
            Url = fx.Site.Url("theirs.mp4").AbsoluteUri, Mode = ImportModes.Review, Door = Doors.Bot, RequestedBy = Requester.TelegramKey(owner),
        }, CancellationToken.None);
        var data = CallbackData.Build("jc", CallbackData.Id(job.Id));

        var forged = FakeBotApi.CallbackUpdate(other, 1, data); // a button the other user never got
        Api.PushUpdate(forged);
        var answer = await Api.WaitForAsync(c => c.Method == "answerCallbackQuery" && c.Params["callback_query_id"]?.ToString() == forged["callback_query"]!["id"]!.ToString(),
            "the forged press answered");
        Assert.Equal("That import no longer exists.", answer.Params["text"]?.ToString()); // as for a job that does not exist
        Assert.False((await fx.App.Get<Hub.Domain.Jobs.JobQueue>().GetAsync(job.Id, CancellationToken.None)).CancelRequested);

        var own = FakeBotApi.CallbackUpdate(owner, 1, data);
        Api.PushUpdate(own);
        answer = await Api.WaitForAsync(c => c.Method == "answerCallbackQuery" && c.Params["callback_query_id"]?.ToString() == own["callback_query"]!["id"]!.ToString(),
            "the owner's press answered");
        Assert.Equal("Cancelling…", answer.Params["text"]?.ToString());
        Assert.Equal(JobStates.Cancelled, (await fx.WaitJobAsync(job.Id)).State);
    }

    [Fact]
    public async Task JobMessages_AreFollowed_UntilTheJobEnds()
    {
        const long user = 3010;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.Off);
        fx.Site.MapFile("followed.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "followed"), "video/mp4");
        Api.PushUpdate(FakeBotApi.TextUpdate(user, fx.Site.Url("followed.mp4").AbsoluteUri));
        await Api.WaitForTextAsync(user, "✅ Done: followed");
        var notifier = fx.App.Get<JobNotifier>();
        var until = DateTime.UtcNow.AddSeconds(30);
        while (notifier.Following > 0 && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }
        Assert.Equal(0, notifier.Following); // followers end with their jobs: nothing leaks per import
    }

    [Fact]
    public async Task Search_And_Recent_ListTheLibrary_WithPagesAndDetails()
    {
        const long user = 3007;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.Off);
        var video = await TestMedia.VideoAsync();
        for (var i = 1; i <= 6; i++)
        {
            fx.Site.MapFile($"kitten-{i}.mp4", await TestMedia.VariantAsync(video, "kitten" + i), "video/mp4");
        }
        Api.PushUpdate(FakeBotApi.TextUpdate(user, string.Join(' ', Enumerable.Range(1, 6).Select(i => fx.Site.Url($"kitten-{i}.mp4").AbsoluteUri))));
        for (var i = 1; i <= 6; i++)
        {
            await Api.WaitForTextAsync(user, $"✅ Done: kitten-{i}");
        }
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/search kitten"));
        var page1 = await Api.WaitForTextAsync(user, "“kitten” — page 1");
        Assert.Equal(5, page1.Text!.Split('\n').Count(l => l.Contains(". kitten-", StringComparison.Ordinal)));
        fx.Press(user, page1, "Next");
        var page2 = await Api.WaitForTextAsync(user, "“kitten” — page 2");
        Assert.Contains("6. kitten-", page2.Text, StringComparison.Ordinal);
        Assert.Contains(page2.Links, l => l.StartsWith("http://hub.test/s/", StringComparison.Ordinal));
        fx.Press(user, page2, "Prev");
        await Api.WaitForAsync(c => c.Method == "editMessageText" && c.ChatId == user && c.MessageId == FakeBotApi.MessageIdOf(page2)
            && c.Text!.Contains("page 1", StringComparison.Ordinal), "back to page 1");
        fx.Press(user, page2, "ℹ️ 6");
        await Api.WaitForAsync(c => c.Method == "sendMessage" && c.ChatId == user && c.Text!.StartsWith("🎬 kitten-", StringComparison.Ordinal)
            && c.Text.Contains("Library: Videos", StringComparison.Ordinal), "details");

        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/search nothing-like-this"));
        await Api.WaitForTextAsync(user, "Nothing found for “nothing-like-this”.");
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/recent"));
        await Api.WaitForTextAsync(user, "🕒 Recently added");
    }

    private async Task WaitInteractionsAsync(long user, int count)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            var page = await fx.App.Get<InteractionLog>().ListAsync(new InteractionFilter { TelegramId = user }, CancellationToken.None);
            if (page.Total >= count)
            {
                Assert.All(page.Items, i => Assert.Equal("ignored: blocked", i.Result));
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("interactions not recorded");
    }
}
