using Hub.Domain.Entries;
using Hub.Domain.Jobs;
using Hub.Domain.Media;
using Hub.Domain.Subscriptions;

namespace Hub.Domain.Tests.Subscriptions;

/// <summary>A subscription's <c>mediaServerFiles</c> over Hub's global <c>Hub:MediaServer:WriteNfo</c> (off here).</summary>
public sealed class SubscriptionMediaServerTests(SubscriptionFixture fx) : IClassFixture<SubscriptionFixture>
{
    [Fact]
    public async Task On_WhileHubsSettingIsOff_WritesTheNfoAndPosterBesideTheImport()
    {
        var (entry, thumbnail) = await SubscriptionMediaServerSteps.ImportOneAsync(fx, "mso", MediaServerSetting.On);
        Assert.True(File.Exists(MediaServerFiles.NfoPath(entry.FilePath)), "no .nfo beside " + entry.FilePath);
        Assert.Equal(JobStates.Completed, thumbnail.State);
        var poster = MediaServerFiles.PosterPath(entry.FilePath);
        Assert.True(File.Exists(poster), "no " + poster);
        Assert.Equal(await File.ReadAllBytesAsync(entry.ThumbnailPath!), await File.ReadAllBytesAsync(poster));
    }
}

/// <summary>The same with Hub's global setting on: off wins for its subscription, default follows Hub.</summary>
public sealed class SubscriptionMediaServerOffTests(NfoSubscriptionFixture fx) : IClassFixture<NfoSubscriptionFixture>
{
    [Fact]
    public async Task Off_WhileHubsSettingIsOn_WritesNone()
    {
        var (entry, thumbnail) = await SubscriptionMediaServerSteps.ImportOneAsync(fx, "msf", MediaServerSetting.Off);
        Assert.Equal(JobStates.Completed, thumbnail.State);
        Assert.NotNull(entry.ThumbnailPath);
        Assert.False(File.Exists(MediaServerFiles.NfoPath(entry.FilePath)));
        Assert.False(File.Exists(MediaServerFiles.PosterPath(entry.FilePath)));
    }

    [Fact]
    public async Task Default_FollowsHubsSetting()
    {
        var (entry, _) = await SubscriptionMediaServerSteps.ImportOneAsync(fx, "msd", null);
        Assert.True(File.Exists(MediaServerFiles.NfoPath(entry.FilePath)));
        Assert.True(File.Exists(MediaServerFiles.PosterPath(entry.FilePath)));
    }
}

internal static class SubscriptionMediaServerSteps
{
    /// <summary>Subscribes to a loopback RSS feed (start: its newest item), checks once and waits for the import and its thumbnail.</summary>
    public static async Task<(Entry Entry, Job Thumbnail)> ImportOneAsync(SubscriptionFixture fx, string folder, string? mediaServerFiles)
    {
        var episode = await fx.EpisodeAsync($"{folder}/ep1.mp4");
        fx.ServeFeed($"{folder}/feed.xml", ("Episode One", episode, new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero)));
        var sub = await fx.SubscribeAsync($"{folder}/feed.xml", new StartInput(SubscriptionStart.Last, Count: 1), mediaServerFiles: mediaServerFiles);
        Assert.Equal(1, (await fx.CheckAsync(sub)).Imported);
        var done = await fx.WaitAsync(Assert.Single(await fx.ImportsOfAsync(sub)).Id);
        Assert.True(done.State == JobStates.Completed, done.Error);
        var thumbnail = await fx.ThumbnailJobAsync(done.EntryId!.Value);
        return (await fx.EntryAsync(done.EntryId.Value), thumbnail);
    }
}
