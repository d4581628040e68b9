using Hub.Bot.Commands;
using Hub.Bot.Notifications;
using Hub.Bot.Tests.Fakes;
using Hub.Domain.Access;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;

namespace Hub.Bot.Tests.Commands;

/// <summary>The app with torrents on, its aria2 and the swarm on loopback only.</summary>
public sealed class TorrentBotFixture : BotFixture
{
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Hub:Torrents:Dht"] = "false",
        ["Hub:Torrents:Interface"] = "127.0.0.1",
    };
}

/// <summary>A magnet link pasted in the chat and a .torrent sent as a document end as entries, told in the chat.</summary>
public sealed class TorrentChatTests(TorrentBotFixture fx) : IClassFixture<TorrentBotFixture>
{
    [Fact]
    public void MagnetLinks_AreFoundInText_ThoughTelegramMarksNoEntity()
    {
        const string magnet = "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=x";
        Assert.Equal([magnet], CommandList.Urls("please get " + magnet + " thanks", []));
    }

    [Fact]
    public async Task MagnetLink_PastedInTheChat_EndsAsAnEntry()
    {
        const long user = 7101;
        await fx.AllowAsync(user);
        await fx.SetConfirmAsync(BotConfirm.Off);
        var clip = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "bot-magnet");
        await using var swarm = await TorrentSwarm.StartAsync("bot", new Dictionary<string, string> { ["Chat Clip.mp4"] = clip });

        fx.Api.PushUpdate(FakeBotApi.TextUpdate(user, "here: " + swarm.Magnet));
        var done = await fx.Api.WaitForTextAsync(user, "✅ Done: Chat Clip");

        Assert.Contains("Library: Videos", done.Text, StringComparison.Ordinal);
        var job = Assert.Single(await fx.JobsOfAsync(user));
        await using var db = fx.App.CreateDb();
        var entry = await db.Entries.AsNoTracking().SingleAsync(e => e.Id == job.EntryId);
        Assert.Equal(swarm.InfoHash, entry.SourceId);
    }

    [Fact]
    public async Task TorrentFile_SentAsADocument_DownloadsWhatItDescribes()
    {
        const long user = 7102;
        await fx.AllowAsync(user);
        var tone = await TestMedia.VariantAsync(await TestMedia.AudioAsync(), "bot-torrent-file");
        await using var swarm = await TorrentSwarm.StartAsync("botfile", new Dictionary<string, string> { ["Chat Tone.m4a"] = tone });
        fx.Api.AddFile("torrent-doc", swarm.TorrentPath);

        fx.Api.PushUpdate(FakeBotApi.FileUpdate(user, "document", "torrent-doc", new FileInfo(swarm.TorrentPath).Length, "tone.torrent"));
        var done = await fx.Api.WaitForTextAsync(user, "✅ Done: Chat Tone");

        Assert.Contains("Library: Music", done.Text, StringComparison.Ordinal);
    }
}
