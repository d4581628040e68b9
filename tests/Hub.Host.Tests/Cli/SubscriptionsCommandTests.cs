using System.Text.RegularExpressions;
using Hub.Testing;

namespace Hub.Host.Tests.Cli;

/// <summary>`hub subscriptions …`: follow a feed from a shell and check it now.</summary>
public sealed class SubscriptionsCommandTests
{
    [Fact]
    public async Task Add_Check_List_Remove()
    {
        await using var site = await LoopbackServer.StartAsync();
        site.MapText("feed.xml", $"""
            <?xml version="1.0"?><rss version="2.0"><channel><title>Shell Radio</title>
            <item><title>Two</title><guid>two</guid><pubDate>Tue, 03 Nov 2026 10:00:00 GMT</pubDate><enclosure url="{site.Url("two.mp3")}" type="audio/mpeg"/></item>
            <item><title>One</title><guid>one</guid><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate><enclosure url="{site.Url("one.mp3")}" type="audio/mpeg"/></item>
            </channel></rss>
            """, "application/rss+xml");
        var env = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Hub"] = await TestPostgres.CreateDatabaseAsync("cli"),
            ["Hub__Network__AllowPrivateNetworks"] = "true", // the feed is on loopback
        };

        var add = await HubProcess.RunAsync(["subscriptions", "add", site.Url("feed.xml").AbsoluteUri, "--start", "last:1", "--interval", "30"], env);
        Assert.True(add.ExitCode == 0, add.Stderr);
        var id = Regex.Match(add.Stdout, @"\(([0-9a-f-]{36})\)").Groups[1].Value;
        Assert.Contains("every 30 minutes", add.Stdout);

        var check = await HubProcess.RunAsync(["subscriptions", "check", id], env);
        Assert.True(check.ExitCode == 0, check.Stderr);
        Assert.Contains("2 listed, 2 new: 1 imported, 0 skipped, 1 remembered", check.Stdout);

        var list = await HubProcess.RunAsync(["subscriptions", "list"], env);
        Assert.Matches(id + @"\s+Shell Radio\s+30m\s+2\s+1\s", list.Stdout);

        site.MapStatus("feed.xml", 503);
        var failing = await HubProcess.RunAsync(["subscriptions", "check", "--all"], env);
        Assert.Equal(1, failing.ExitCode);
        Assert.Contains("503", failing.Stdout);
        Assert.Contains("failing (1x)", (await HubProcess.RunAsync(["subscriptions", "list"], env)).Stdout);

        Assert.Equal(0, (await HubProcess.RunAsync(["subscriptions", "remove", id], env)).ExitCode);
        Assert.Contains("No subscriptions.", (await HubProcess.RunAsync(["subscriptions", "list"], env)).Stdout);
        Assert.Equal(64, (await HubProcess.RunAsync(["subscriptions", "add"], env)).ExitCode);
    }
}
