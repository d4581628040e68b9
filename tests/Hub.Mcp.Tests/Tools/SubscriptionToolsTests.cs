namespace Hub.Mcp.Tests.Tools;

public sealed class SubscriptionToolsTests(McpFixture hub) : IClassFixture<McpFixture>
{
    [Fact]
    public async Task Subscribe_List_Unsubscribe_EachCallerSeesTheirOwn()
    {
        await using var alice = await hub.ConnectAsync(McpFixture.User("mcp-alice"));
        await using var bob = await hub.ConnectAsync(McpFixture.User("mcp-bob"));

        var sub = await alice.Client.OkAsync("subscribe", new
        {
            url = "http://127.0.0.1:9/podcast.xml", start = "last", start_count = 3, exclude_words = "trailer, teaser", skip_shorts = true, interval_minutes = 30,
        });
        var id = sub.GetProperty("id").GetString()!;
        Assert.Equal("last 3", sub.GetProperty("start").GetString());
        Assert.Equal(30, sub.GetProperty("interval_minutes").GetInt32());
        // The name (a feed's title, later) is remote text.
        Assert.Equal("http://127.0.0.1:9/podcast.xml", sub.GetProperty("untrusted_remote_text").GetProperty("title").GetString());

        var mine = (await alice.Client.OkAsync("list_subscriptions")).GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Equal([id], mine);
        Assert.Empty((await bob.Client.OkAsync("list_subscriptions")).GetProperty("items").EnumerateArray());
        Assert.Contains("No subscription", await bob.Client.ErrorAsync("unsubscribe", new { subscription_id = id }));
        Assert.Contains("start.count", await alice.Client.ErrorAsync("subscribe", new { url = "http://127.0.0.1:9/other.xml", start = "last" }), StringComparison.OrdinalIgnoreCase);

        Assert.True((await alice.Client.OkAsync("unsubscribe", new { subscription_id = id })).GetProperty("deleted").GetBoolean());
        Assert.Empty((await alice.Client.OkAsync("list_subscriptions")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Subscribe_MediaServerFiles_IsListed_AndABadValueNamesTheArgument()
    {
        await using var carol = await hub.ConnectAsync(McpFixture.User("mcp-carol"));
        Assert.Equal("default", (await carol.Client.OkAsync("subscribe", new { url = "http://127.0.0.1:9/nfo-default.xml" })).GetProperty("media_server_files").GetString());
        var sub = await carol.Client.OkAsync("subscribe", new { url = "http://127.0.0.1:9/nfo-on.xml", media_server_files = "on" });
        Assert.Equal("on", sub.GetProperty("media_server_files").GetString());
        var listed = (await carol.Client.OkAsync("list_subscriptions")).GetProperty("items").EnumerateArray()
            .Single(s => s.GetProperty("id").GetString() == sub.GetProperty("id").GetString());
        Assert.Equal("on", listed.GetProperty("media_server_files").GetString());
        Assert.Contains("mediaServerFiles", await carol.Client.ErrorAsync("subscribe", new { url = "http://127.0.0.1:9/nfo-bad.xml", media_server_files = "maybe" }),
            StringComparison.OrdinalIgnoreCase);
    }
}
