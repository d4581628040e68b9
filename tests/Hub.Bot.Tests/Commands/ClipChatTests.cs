using Hub.Bot.Tests.Fakes;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;

namespace Hub.Bot.Tests.Commands;

/// <summary>"URL 1:20-2:05" in a chat imports just that section, with or without the preview; a bad range is explained.</summary>
public sealed class ClipChatTests(BotFixture fx) : IClassFixture<BotFixture>
{
    private FakeBotApi Api => fx.Api;

    [Fact]
    public async Task LinkWithARange_ImportsThatSection()
    {
        const long user = 3101;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.Off);
        fx.Site.MapFile("chat-clip.mp4", await TestMedia.VariantAsync(await TestMedia.KeyframedVideoAsync(), "chat-clip"), "video/mp4");

        Api.PushUpdate(FakeBotApi.TextUpdate(user, fx.Site.Url("chat-clip.mp4").AbsoluteUri + " 0:03-0:06"));
        await Api.WaitForTextAsync(user, "✅ Done");

        var job = Assert.Single(await fx.JobsOfAsync(user));
        Assert.Equal(JobStates.Completed, job.State);
        Assert.Equal(ClipRange.Create(3, 6), ImportJobs.Read(job).Clip);
        await using var db = fx.App.CreateDb();
        var entry = await db.Entries.AsNoTracking().SingleAsync(e => e.Id == job.EntryId);
        Assert.Equal((3.0, 6.0), (entry.ClipStartSeconds!.Value, entry.ClipEndSeconds!.Value));
        Assert.InRange(entry.DurationSeconds ?? -1, 2.5, 3.6);
    }

    [Fact]
    public async Task LinkWithARange_WithConfirmOn_ShowsTheClipInThePreview_AndImportsIt()
    {
        const long user = 3102;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.On);
        fx.Site.MapFile("chat-clip2.mp4", await TestMedia.VariantAsync(await TestMedia.KeyframedVideoAsync(), "chat-clip2"), "video/mp4");

        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/add " + fx.Site.Url("chat-clip2.mp4").AbsoluteUri + " 1:02:03-1:02:09"));
        var preview = await Api.WaitForTextAsync(user, "Pick, then press Import.");
        Assert.Contains("✂ Clip 1:02:03–1:02:09", preview.Text, StringComparison.Ordinal);

        fx.Press(user, preview, "Import");
        var job = await WaitForJobAsync(user);
        Assert.Equal(ClipRange.Create(3723, 3729), ImportJobs.Read(job).Clip);
        // The file is 12 s long: a clip past its end fails with a reason, it is not filed as the whole.
        var done = await fx.WaitJobAsync(job.Id);
        Assert.Equal(JobStates.Failed, done.State);
        Assert.Contains("only 0:12 long", done.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LinkWithAnEmptyRange_IsExplained_AndNothingIsImported()
    {
        const long user = 3103;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.Off);

        Api.PushUpdate(FakeBotApi.TextUpdate(user, fx.Site.Url("nothing.mp4").AbsoluteUri + " 2:05-1:20"));
        await Api.WaitForTextAsync(user, "must end after it starts");
        Assert.Empty(await fx.JobsOfAsync(user));
    }

    private async Task<Job> WaitForJobAsync(long user)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            if ((await fx.JobsOfAsync(user)).SingleOrDefault() is { } job) return job;
            await Task.Delay(100);
        }
        throw new TimeoutException("no job");
    }
}
