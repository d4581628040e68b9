using Hub.Bot.Tests.Fakes;
using Hub.Domain;
using Hub.Domain.Libraries;
using Hub.Domain.Scanning;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Bot.Tests.Commands;

/// <summary>/scan for admins (a library's folder becomes entries, followed by a live message) and unmatched files in /inbox.</summary>
public sealed class ScanCommandTests(BotFixture fx) : IClassFixture<BotFixture>
{
    private FakeBotApi Api => fx.Api;

    /// <summary>A library of its own and a media file at <paramref name="relative"/> in its folder, old enough for a scan to take.</summary>
    private async Task<(Library Library, string Path)> LibraryWithFileAsync(string name, string relative, string tag)
    {
        var lib = await fx.App.Get<LibraryService>().CreateAsync(new LibraryInput(name, MediaKind: "any"), CancellationToken.None);
        var path = Path.Combine(FilePlacer.ResolveRoot(lib, fx.App.Get<IOptions<HubOptions>>().Value), relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(await TestMedia.VariantAsync(await TestMedia.VideoAsync(), tag), path, overwrite: true);
        // Scans leave files written in the last few seconds for the next one (they may still be being written).
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1));
        return (lib, path);
    }

    [Fact]
    public async Task Admin_ScanButtonOfALibrary_FilesItsMedia_AndTheLiveMessageEndsWithTheSummary()
    {
        var (lib, path) = await LibraryWithFileAsync("Bot Shelf", "Films/Bot.Shelf.Film.2003.1080p.mp4", "scan-bot-film");

        Api.PushUpdate(FakeBotApi.TextUpdate(BotFixture.AdminId, "/scan"));
        var offer = await Api.WaitForTextAsync(BotFixture.AdminId, "Which library's folder");
        fx.Press(BotFixture.AdminId, offer, "Scan Bot Shelf");

        var live = await Api.WaitForTextAsync(BotFixture.AdminId, "Scan of Bot Shelf\nJob ");
        Assert.Contains(live.Buttons, b => b.Text.Contains("Cancel", StringComparison.Ordinal));
        var done = await Api.WaitForTextAsync(BotFixture.AdminId, "✅ Done: Scan of Bot Shelf");
        Assert.Equal(FakeBotApi.MessageIdOf(live), done.MessageId);
        Assert.Contains("1 files: 1 added, 0 updated, 0 unmatched", done.Text, StringComparison.Ordinal);
        await using var db = fx.App.CreateDb();
        var entry = await db.Entries.AsNoTracking().SingleAsync(e => e.LibraryId == lib.Id);
        Assert.Equal(("Bot Shelf Film (2003)", path), (entry.Title, entry.FilePath));
    }

    [Fact]
    public async Task NonAdmin_Scan_IsRefused_AndAForgedScanButtonToo()
    {
        const long user = 8101;
        await fx.AllowAsync(user);
        var (lib, _) = await LibraryWithFileAsync("Refused Shelf", "Refused.Film.1999.mp4", "scan-bot-refused");

        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/scan refused-shelf"));
        await Api.WaitForTextAsync(user, "That command is for admins.");
        Api.PushUpdate(FakeBotApi.CallbackUpdate(user, 1, "sc:" + lib.Id.ToString("N")));
        await Api.WaitForAsync(c => c.Method == "answerCallbackQuery" && c.Params["text"]?.ToString() == "That button is for admins.", "the button refused");

        await using var db = fx.App.CreateDb();
        Assert.False(await db.Jobs.AnyAsync(j => j.Kind == ScanService.Kind && j.LibraryId == lib.Id));
    }

    [Fact]
    public async Task UnmatchedFile_ShowsInInbox_WithAddAndIgnore_AndIgnoreRemovesIt()
    {
        var (lib, _) = await LibraryWithFileAsync("Camera Roll", "Camera/clip_0034.mp4", "scan-bot-unnamed");
        Api.PushUpdate(FakeBotApi.TextUpdate(BotFixture.AdminId, "/scan camera-roll"));
        var done = await Api.WaitForTextAsync(BotFixture.AdminId, "✅ Done: Scan of Camera Roll");
        Assert.Contains("1 unmatched", done.Text, StringComparison.Ordinal);

        Api.PushUpdate(FakeBotApi.TextUpdate(BotFixture.AdminId, "/inbox"));
        var card = await Api.WaitForTextAsync(BotFixture.AdminId, "Unmatched file in Camera Roll: clip 0034");
        Assert.Contains(card.Buttons, b => b.Text == "➕ Add to Camera Roll");
        fx.Press(BotFixture.AdminId, card, "Ignore");

        var ignored = await Api.WaitForTextAsync(BotFixture.AdminId, "✖ Ignored");
        Assert.Equal(FakeBotApi.MessageIdOf(card), ignored.MessageId);
        Assert.Empty(await fx.App.Get<ScanService>().UnmatchedAsync(lib.Id, 10, CancellationToken.None));
    }
}
