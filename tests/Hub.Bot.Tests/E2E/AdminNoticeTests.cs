using System.Text.Json;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Testing;

namespace Hub.Bot.Tests.E2E;

/// <summary>
/// Against telegram-test-api: an admin who turned notices on in /settings is told of review requests (and decides them
/// with the notice's own Approve and Reject buttons) and of imports that failed.
/// </summary>
public sealed class AdminNoticeTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task NoticesOn_ReviewRequestsCarryApproveAndReject_AndFailuresAreTold()
    {
        await fx.UserAsync("sendCommand", new
        {
            botToken = EmulatorFixture.EmulatorToken, from = EmulatorFixture.From, chat = EmulatorFixture.Chat,
            date = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), text = "/settings", entities = new[] { new { type = "bot_command", offset = 0, length = 9 } },
        });
        var own = await fx.WaitBotMessageAsync(m => EmulatorFixture.TextOf(m).StartsWith("👤 Your settings", StringComparison.Ordinal), "the admin's own settings");
        await PressAsync(own, "Notices on");
        await fx.WaitBotMessageAsync(m => EmulatorFixture.TextOf(m).Contains("Notices about the inbox, approved items and failures: on", StringComparison.Ordinal), "notices on");

        // Approve from the notice: the import goes on into its library.
        var approved = await ReviewImportAsync("notice-approve");
        var notice = await fx.WaitBotMessageAsync(m => EmulatorFixture.TextOf(m).StartsWith("📥 Waiting for your approval: notice-approve", StringComparison.Ordinal), "the review notice");
        await PressAsync(notice, "✅ Approve");
        Assert.Equal(JobStates.Completed, (await fx.WaitJobAsync(approved.Id)).State);
        var id = notice.GetProperty("messageId").GetInt64();
        await fx.WaitBotMessageAsync(m => m.GetProperty("messageId").GetInt64() == id
            && EmulatorFixture.TextOf(m).StartsWith("✅ Approved into its library: notice-approve", StringComparison.Ordinal), "the notice turned into the decision");

        // Reject from the notice.
        var rejected = await ReviewImportAsync("notice-reject");
        notice = await fx.WaitBotMessageAsync(m => EmulatorFixture.TextOf(m).StartsWith("📥 Waiting for your approval: notice-reject", StringComparison.Ordinal), "the second review notice");
        await PressAsync(notice, "✖ Reject");
        var after = await fx.WaitJobAsync(rejected.Id);
        Assert.NotEqual(JobStates.Completed, after.State);
        Assert.True(JobStates.IsTerminal(after.State), after.State);

        // A failed import is told, with why.
        fx.Site.MapStatus("notice-gone.mp4", 404);
        await fx.App.Get<ImportService>().ImportAsync(new ImportRequest
        {
            Url = fx.Site.Url("notice-gone.mp4").AbsoluteUri, Door = Doors.Api, RequestedBy = "api:someone",
        }, CancellationToken.None);
        var failed = await fx.WaitBotMessageAsync(m => EmulatorFixture.TextOf(m).StartsWith("❌ An import failed", StringComparison.Ordinal), "the failure notice");
        Assert.Contains("/jobs", EmulatorFixture.TextOf(failed), StringComparison.Ordinal);
    }

    private async Task<Job> ReviewImportAsync(string name)
    {
        fx.Site.MapFile(name + ".mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), name), "video/mp4");
        return await fx.App.Get<ImportService>().ImportAsync(new ImportRequest
        {
            Url = fx.Site.Url(name + ".mp4").AbsoluteUri, Mode = ImportModes.Review, Door = Doors.Api, RequestedBy = "api:someone",
        }, CancellationToken.None);
    }

    private Task PressAsync(JsonElement message, string label)
    {
        var data = message.GetProperty("message").GetProperty("reply_markup").GetProperty("inline_keyboard").EnumerateArray()
            .SelectMany(r => r.EnumerateArray()).First(b => b.GetProperty("text").GetString() == label).GetProperty("callback_data").GetString();
        return fx.UserAsync("sendCallback", new
        {
            botToken = EmulatorFixture.EmulatorToken, from = EmulatorFixture.From,
            message = new { message_id = message.GetProperty("messageId").GetInt64(), chat = EmulatorFixture.Chat }, data,
        });
    }
}
