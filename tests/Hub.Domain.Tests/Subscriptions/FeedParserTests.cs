using Hub.Domain.Imports;
using Hub.Domain.Subscriptions;

namespace Hub.Domain.Tests.Subscriptions;

public sealed class FeedParserTests
{
    private static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Feeds", name));

    [Fact]
    public void PodcastRss_MediaEnclosuresNewestFirst_WithDurationsAndKeys()
    {
        var feed = FeedParser.Parse(Read("podcast.rss"), new Uri("https://example.org/feed.xml"));

        Assert.Equal("Loopback Radio", feed.Title);
        Assert.Equal(["Episode 3: Ends", "Show notes only", "Episode 2: Middles", "Episode 1: Beginnings"], feed.Items.Select(i => i.Title));
        var ep3 = feed.Items[0];
        Assert.Equal("https://cdn.example.org/ep3.mp4", ep3.Url); // media:content when there is no enclosure
        Assert.Equal(61, ep3.DurationSeconds);
        Assert.Equal(new DateTimeOffset(2026, 11, 16, 9, 0, 0, TimeSpan.Zero), ep3.PublishedAt);
        Assert.StartsWith("url:", ep3.Key); // no guid: the normalised URL identifies it
        Assert.Equal("https://example.org/notes", feed.Items[1].Url); // an image enclosure is not media: the link is used
        var ep2 = feed.Items[2];
        Assert.Equal("https://example.org/media/ep2.mp3", ep2.Url); // relative to the feed
        Assert.Equal("id:lr-0002", ep2.Key);
        Assert.Equal(3600, ep2.DurationSeconds);
        Assert.Equal(new DateTimeOffset(2026, 11, 9, 15, 0, 0, TimeSpan.Zero), ep2.PublishedAt); // EST is UTC-5
        Assert.Equal(25 * 60 + 30, feed.Items[3].DurationSeconds);
    }

    [Fact]
    public void YouTubeAtom_WatchLinks_KeyedByEntryId()
    {
        var feed = FeedParser.Parse(Read("youtube-channel.atom"), new Uri("https://www.youtube.com/feeds/videos.xml?channel_id=UCabc"));

        Assert.Equal("A Channel", feed.Title);
        Assert.Equal(["https://www.youtube.com/watch?v=BBBBBBBBBBB", "https://www.youtube.com/watch?v=AAAAAAAAAAA"], feed.Items.Select(i => i.Url));
        Assert.Equal("id:yt:video:BBBBBBBBBBB", feed.Items[0].Key);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 15, 0, 0, TimeSpan.Zero), feed.Items[0].PublishedAt);
    }

    [Theory]
    [InlineData("application/rss+xml", "<rss/>", true)]
    [InlineData("text/xml", "<?xml version=\"1.0\"?>\n<!-- c -->\n<feed xmlns=\"http://www.w3.org/2005/Atom\"/>", true)]
    [InlineData("text/html", "<!doctype html><html><body><video src=a.mp4></video></body></html>", false)]
    [InlineData("application/xml", "<?xml version=\"1.0\"?><svg/>", false)]
    public void LooksLikeFeed_ByTypeOrRootElement(string type, string body, bool expected) =>
        Assert.Equal(expected, FeedParser.LooksLikeFeed(type, body));

    [Fact]
    public void NotXml_IsAPermanentBadFeed()
    {
        var ex = Assert.Throws<ImportFailedException>(() => FeedParser.Parse("<rss><channel>", new Uri("https://example.org/f")));
        Assert.Equal("bad-feed", ex.Type);
        Assert.False(ex.Transient);
    }

    [Fact]
    public void Dtd_IsNotExpanded_TheFeedIsRefused()
    {
        const string bomb = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
            <rss><channel><item><title>&b;</title><link>https://example.org/x</link></item></channel></rss>
            """;
        var ex = Assert.Throws<ImportFailedException>(() => FeedParser.Parse(bomb, new Uri("https://example.org/f")));
        Assert.Equal("bad-feed", ex.Type);
    }
}
