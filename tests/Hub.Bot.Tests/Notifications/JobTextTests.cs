using Hub.Bot.Menus;
using Hub.Bot.Notifications;
using Hub.Domain.Jobs;

namespace Hub.Bot.Tests.Notifications;

/// <summary>How a running job reads: its progress as Hub keeps it (0–100), and an id that tells jobs apart.</summary>
public sealed class JobTextTests
{
    private static JobUpdate Downloading(Guid id, double percent) => new(id, null, "import", JobStates.Downloading, percent, 10_000_000,
        23L * 1024 * 1024, 398 * 1024, 54, "c.mp4", null, null, null, "bot", "telegram:1", DateTimeOffset.UtcNow);

    [Fact]
    public void Running_ShowsThePercentageHubKeeps_WithABar()
    {
        var text = JobText.Running(Downloading(Guid.CreateVersion7(), 43), null);
        Assert.Contains("▓▓▓▓░░░░░░ 43% of 23 MB · 398 KB/s · ETA 0:54", text, StringComparison.Ordinal);
        Assert.DoesNotContain("100%", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Torrent_ShowsItsSwarm_WhileDownloading_AndWhileSeeding()
    {
        var downloading = Downloading(Guid.CreateVersion7(), 43) with { Swarm = new JobSwarm(5, 2, 40 * 1024, Seeding: false) };
        Assert.Contains("\n👥 5 peers (2 seeding) · ↑ 40 KB/s\n", JobText.Running(downloading, null), StringComparison.Ordinal);

        var seeding = Downloading(Guid.CreateVersion7(), 100) with { Swarm = new JobSwarm(1, 0, 0, Seeding: true) };
        Assert.Contains("\n🌱 Seeding to 1 peer\n", JobText.Running(seeding, null), StringComparison.Ordinal);
        Assert.DoesNotContain("peers", JobText.Running(Downloading(Guid.CreateVersion7(), 43), null), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "░░░░░░░░░░ 0%")]
    [InlineData(52, "▓▓▓▓▓░░░░░ 52%")]
    [InlineData(99.7, "▓▓▓▓▓▓▓▓▓░ 99%")]
    [InlineData(100, "▓▓▓▓▓▓▓▓▓▓ 100%")]
    [InlineData(250, "▓▓▓▓▓▓▓▓▓▓ 100%")]
    public void Bar_FillsByPercent(double percent, string expected) => Assert.Equal(expected, Texts.Bar(percent));

    [Fact]
    public void ShortIds_OfJobsMadeTogether_Differ_AndNameTheirJob()
    {
        var ids = Enumerable.Range(0, 50).Select(_ => Guid.CreateVersion7()).ToList();
        Assert.Equal(ids.Count, ids.Select(Texts.ShortId).Distinct().Count());
        Assert.All(ids, id => Assert.Contains("Job " + Texts.ShortId(id), JobText.Running(Downloading(id, 1), null), StringComparison.Ordinal));
        Assert.True(Texts.MatchesId(ids[0], Texts.ShortId(ids[0]).ToUpperInvariant()));
        Assert.True(Texts.MatchesId(ids[0], ids[0].ToString()));
        Assert.False(Texts.MatchesId(ids[1], Texts.ShortId(ids[0])));
    }
}
