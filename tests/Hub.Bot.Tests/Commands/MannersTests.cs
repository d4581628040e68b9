using Hub.Bot.Menus;
using Hub.Bot.Tests.Fakes;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Testing;

namespace Hub.Bot.Tests.Commands;

/// <summary>What people are shown: no internals (system jobs, keys, settings), their own words for errors, human labels.</summary>
public sealed class MannersTests(BotFixture fx) : IClassFixture<BotFixture>
{
    private FakeBotApi Api => fx.Api;

    [Fact]
    public async Task AdminJobs_HidesHousekeeping_AndNamesPeople_ByName()
    {
        const long user = 6001;
        await fx.AllowAsync(user);
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/help", "Dana"));
        await Api.WaitForTextAsync(user, "Your role: user.");
        var queue = fx.App.Get<JobQueue>();
        var housekeeping = await queue.EnqueueAsync(new NewJob("maintenance", JobQueues.Maintenance, "hub")
        {
            RequestedBy = "hub", Title = "Housekeeping", RunAfter = DateTimeOffset.UtcNow.AddHours(1),
        }, CancellationToken.None);
        fx.Site.MapFile("named.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "named"), "video/mp4");
        var theirs = await fx.App.Get<ImportService>().ImportAsync(new ImportRequest
        {
            Url = fx.Site.Url("named.mp4").AbsoluteUri, Mode = ImportModes.Review, Door = Doors.Bot, RequestedBy = Requester.TelegramKey(user),
        }, CancellationToken.None);

        Api.PushUpdate(FakeBotApi.TextUpdate(BotFixture.AdminId, "/jobs"));
        var list = await Api.WaitForTextAsync(BotFixture.AdminId, "Imports in progress");
        Assert.DoesNotContain("Housekeeping", list.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Texts.ShortId(housekeeping.Id), list.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("telegram:", list.Text, StringComparison.Ordinal);
        Assert.Contains(Texts.ShortId(theirs.Id), list.Text, StringComparison.Ordinal); // its state depends on how far the probe got
        Assert.Contains("(Dana (@user6001))", list.Text, StringComparison.Ordinal);

        // A forged Cancel of the housekeeping job cancels nothing.
        Api.PushUpdate(FakeBotApi.CallbackUpdate(BotFixture.AdminId, 1, CallbackData.Build("jc", CallbackData.Id(housekeeping.Id))));
        await Api.WaitForAsync(c => c.Method == "answerCallbackQuery" && c.Params["text"]?.ToString() == "That import no longer exists.", "refused");
        Assert.False((await queue.GetAsync(housekeeping.Id, CancellationToken.None)).CancelRequested);
        await queue.CancelAsync(housekeeping.Id, "test over", CancellationToken.None);
        await queue.CancelAsync(theirs.Id, "test over", CancellationToken.None);
    }

    [Fact]
    public async Task AFailure_SpeaksTheUsersLanguage_AndKeepsTheDetailForAdmins()
    {
        const long user = 6002;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.Off);
        fx.Site.MapText("invoice.pdf", "%PDF-1.4 not a video at all", "application/pdf");
        var url = fx.Site.Url("invoice.pdf").AbsoluteUri;
        Api.PushUpdate(FakeBotApi.TextUpdate(user, url));
        var failed = await Api.WaitForTextAsync(user, "❌ Failed");
        Assert.Contains("isn't a video or audio file I can play", failed.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Detail:", failed.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("ffprobe", failed.Text, StringComparison.Ordinal);

        Api.PushUpdate(FakeBotApi.TextUpdate(BotFixture.AdminId, url + "?admin"));
        var adminFailed = await Api.WaitForTextAsync(BotFixture.AdminId, "❌ Failed");
        Assert.Contains("isn't a video or audio file I can play", adminFailed.Text, StringComparison.Ordinal);
        Assert.Contains("Detail:", adminFailed.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("tell an admin", adminFailed.Text, StringComparison.Ordinal);
    }
}

/// <summary>One set of human labels: settings, preview headings, named buttons, sites rather than extractors.</summary>
public sealed class LabelTests(BotFixture fx) : IClassFixture<BotFixture>
{
    private FakeBotApi Api => fx.Api;

    [Fact]
    public async Task Settings_Preview_AndContacts_UseHumanLabels_AndHeadings()
    {
        Api.PushUpdate(FakeBotApi.TextUpdate(BotFixture.AdminId, "/settings"));
        var settings = await Api.WaitForTextAsync(BotFixture.AdminId, "⚙️ Bot settings");
        Assert.DoesNotContain(settings.Buttons, b => b.Text.Contains("video_best", StringComparison.Ordinal) || b.Text.Contains("audio_mp3", StringComparison.Ordinal));
        Assert.Contains(settings.Buttons, b => b.Text == "Best video");
        Assert.Contains(settings.Buttons, b => b.Text == "MP3");
        Assert.Contains(settings.Buttons, b => b.Text.Contains("Default format", StringComparison.Ordinal));

        await fx.SetConfirmAsync(BotConfirm.On);
        fx.Site.MapFile("labels.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "labels"), "video/mp4");
        Api.PushUpdate(FakeBotApi.TextUpdate(BotFixture.AdminId, fx.Site.Url("labels.mp4").AbsoluteUri));
        var preview = await Api.WaitForTextAsync(BotFixture.AdminId, "Pick, then press Import.");
        var texts = preview.Buttons.Select(b => b.Text).ToList();
        Assert.True(texts.IndexOf("— 📁 Library —") >= 0 && texts.IndexOf("— 📁 Library —") < texts.IndexOf("Videos"), string.Join(", ", texts));
        Assert.True(texts.IndexOf("— 🎞 Format —") > texts.IndexOf("Videos") && texts.IndexOf("— 🎞 Format —") < texts.IndexOf("Best video"), string.Join(", ", texts));
        Assert.DoesNotContain("html5", preview.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("generic", preview.Text, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", preview.Text!.Split('\n')[1], StringComparison.Ordinal); // the site, where the extractor was

        await fx.App.Get<ContactService>().AddAsync(6101, Roles.User, ContactStatuses.Allowed, CancellationToken.None);
        Api.PushUpdate(FakeBotApi.TextUpdate(BotFixture.AdminId, "/contacts"));
        var contacts = await Api.WaitForTextAsync(BotFixture.AdminId, "👥 Contacts");
        Assert.DoesNotContain(contacts.Buttons, b => b.Text == "⛔");
        Assert.Contains(contacts.Buttons, b => b.Text.StartsWith("⛔ Block ", StringComparison.Ordinal));
    }
}

/// <summary>Admin commands appear only in admins' menus.</summary>
public sealed class CommandMenuTests(BotFixture fx) : IClassFixture<BotFixture>
{
    [Fact]
    public async Task TheCommonMenu_LacksAdminCommands_EachAdminsChatHasThem()
    {
        var calls = fx.Api.CallsOf("setMyCommands");
        var common = Assert.Single(calls, c => c.Params["scope"]?["type"]?.ToString() is null or "default");
        Assert.DoesNotContain("inbox", common.Params["commands"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("\"search\"", common.Params["commands"]!.ToJsonString(), StringComparison.Ordinal);
        var admin = Assert.Single(calls, c => c.Params["scope"]?["type"]?.ToString() == "chat");
        Assert.Equal(BotFixture.AdminId, admin.Params["scope"]!["chat_id"]!.GetValue<long>());
        Assert.Contains("\"contacts\"", admin.Params["commands"]!.ToJsonString(), StringComparison.Ordinal);

        // Made admin later: their chat gets the admin menu; back to user: it is removed.
        const long user = 6201;
        await fx.AllowAsync(user);
        fx.Api.PushUpdate(FakeBotApi.CallbackUpdate(BotFixture.AdminId, 1, $"ct:m:{user}:n"));
        await fx.Api.WaitForAsync(c => c.Method == "setMyCommands" && c.Params["scope"]?["chat_id"]?.GetValue<long>() == user, "the new admin's menu");
        fx.Api.PushUpdate(FakeBotApi.CallbackUpdate(BotFixture.AdminId, 1, $"ct:u:{user}:n"));
        await fx.Api.WaitForAsync(c => c.Method == "deleteMyCommands" && c.Params["scope"]?["chat_id"]?.GetValue<long>() == user, "the menu reset");
    }
}

/// <summary>Item 12's small ones: help layout, stale cards, a second Import press, a quiet pending user.</summary>
public sealed class SmallMannersTests(BotFixture fx) : IClassFixture<BotFixture>
{
    private FakeBotApi Api => fx.Api;

    [Fact]
    public async Task AdminHelp_HasABlankLineBeforeAdmin()
    {
        Api.PushUpdate(FakeBotApi.TextUpdate(BotFixture.AdminId, "/help"));
        var help = await Api.WaitForTextAsync(BotFixture.AdminId, "Admin:");
        Assert.Contains("library.\n\nAdmin:\n/inbox", help.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APendingUser_IsRemindedOnce_ThenLeftInQuiet_AndTheCardIsClosedWhenApprovedElsewhere()
    {
        const long user = 6301;
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "hello", "Eve"));
        var card = await Api.WaitForTextAsync(BotFixture.AdminId, $"(id {user}) wants to use the bot");
        for (var i = 0; i < 3; i++)
        {
            Api.PushUpdate(FakeBotApi.TextUpdate(user, "are you there?", "Eve"));
        }
        var until = DateTime.UtcNow.AddSeconds(30);
        while ((await fx.App.Get<InteractionLog>().ListAsync(new InteractionFilter { TelegramId = user }, CancellationToken.None)).Total < 4 && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }
        await Api.WaitForCountAsync(c => c.Method == "sendMessage" && c.ChatId == user, 2, "the greeting and one reminder");
        await Task.Delay(1000); // and no more for the other two messages, all four logged above
        Assert.Equal(2, Api.CallsOf("sendMessage").Count(c => c.ChatId == user)); // the greeting and one reminder

        // Approved from /contacts: the card's buttons go.
        Api.PushUpdate(FakeBotApi.TextUpdate(BotFixture.AdminId, "/contacts"));
        var list = await Api.WaitForTextAsync(BotFixture.AdminId, "👥 Contacts");
        fx.Press(BotFixture.AdminId, list, "Approve Eve");
        var closed = await Api.WaitForAsync(c => c.Method == "editMessageText" && c.MessageId == FakeBotApi.MessageIdOf(card), "the card closed");
        Assert.Contains("approved", closed.Text, StringComparison.Ordinal);
        Assert.Empty(closed.Buttons);
    }

    [Fact]
    public async Task PressingImportTwice_SaysItIsImporting_NotExpired()
    {
        const long user = 6302;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.On);
        fx.Site.MapFile("twice.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "twice"), "video/mp4");
        Api.PushUpdate(FakeBotApi.TextUpdate(user, fx.Site.Url("twice.mp4").AbsoluteUri));
        var preview = await Api.WaitForTextAsync(user, "Pick, then press Import.");
        var button = preview.Buttons.First(b => b.Text.Contains("Import", StringComparison.Ordinal)).Data!;
        Api.PushUpdate(FakeBotApi.CallbackUpdate(user, FakeBotApi.MessageIdOf(preview), button));
        await Api.WaitForAsync(c => c.Method == "answerCallbackQuery" && c.Params["text"]?.ToString() == "Importing…", "the import started");
        Api.PushUpdate(FakeBotApi.CallbackUpdate(user, FakeBotApi.MessageIdOf(preview), button));
        var second = await Api.WaitForAsync(c => c.Method == "answerCallbackQuery" && c.Params["text"]?.ToString().StartsWith("Already importing", StringComparison.Ordinal) == true,
            "the second press answered");
        Assert.DoesNotContain("expired", second.Params["text"]!.ToString(), StringComparison.Ordinal);
        await Api.WaitForTextAsync(user, "✅ Done: twice");
    }

    [Fact]
    public async Task SeveralLinksInPreviewMode_AreReadSideBySide_AndPreviewedInOrder()
    {
        const long user = 6303;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.On);
        var clip = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "side");
        int inFlight = 0, most = 0;
        for (var i = 0; i < 4; i++)
        {
            fx.Site.Map($"side-{i}.mp4", async ctx =>
            {
                var now = Interlocked.Increment(ref inFlight);
                int seen;
                while ((seen = Volatile.Read(ref most)) < now && Interlocked.CompareExchange(ref most, now, seen) != seen)
                {
                }
                try
                {
                    await Task.Delay(1000, ctx.RequestAborted); // slow enough that reading them one after another never overlaps
                    ctx.Response.ContentType = "video/mp4";
                    await ctx.Response.Body.WriteAsync(await File.ReadAllBytesAsync(clip), ctx.RequestAborted);
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }
            });
        }
        Api.PushUpdate(FakeBotApi.TextUpdate(user, string.Join(' ', Enumerable.Range(0, 4).Select(i => fx.Site.Url($"side-{i}.mp4").AbsoluteUri))));
        await Api.WaitForAsync(c => c.ChatId == user && Api.CallsOf("editMessageText").Count(m => m.ChatId == user
            && m.Text!.Contains("Pick, then press Import.", StringComparison.Ordinal)) >= 4, "four previews");
        Assert.True(most >= 2, $"at most {most} link(s) were read at once");
        var looking = Api.CallsOf("sendMessage").Where(c => c.ChatId == user).Select(c => c.Text!).ToList();
        Assert.Equal([.. Enumerable.Range(0, 4).Select(i => $"side-{i}.mp4")], looking.Select(t => t.Split('/').Last().Split(' ')[0]));
    }
}
