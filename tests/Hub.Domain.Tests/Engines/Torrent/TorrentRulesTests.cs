using Hub.Domain.Engines.Torrent;
using Hub.Domain.Net;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Tests.Engines.Torrent;

/// <summary>The rules around torrents that need no swarm: magnet parsing, the door check, the tracker guard, file choice.</summary>
public sealed class TorrentRulesTests
{
    private const string Hash = "0123456789abcdef0123456789abcdef01234567";

    [Fact]
    public void Magnet_BothHashSpellings_ParseToTheSameHex()
    {
        var hex = MagnetLink.TryParse($"magnet:?xt=urn:btih:{Hash.ToUpperInvariant()}&dn=My+Show&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce")!;
        Assert.Equal(Hash, hex.InfoHash);
        Assert.Equal("My Show", hex.Name);
        Assert.Equal(["http://127.0.0.1:6969/announce"], hex.Trackers);
        // The same 20 bytes in base32.
        var b32 = MagnetLink.TryParse("magnet:?xt=urn:btih:AERUKZ4JVPG66AJDIVTYTK6N54ASGRLH")!;
        Assert.Equal(Hash, b32.InfoHash);
        Assert.Null(MagnetLink.TryParse("magnet:?xt=urn:sha1:abc"));
        Assert.Null(MagnetLink.TryParse("magnet:?xt=urn:btih:nothex"));
    }

    [Fact]
    public void DoorCheck_RefusesBadMagnets_AndEverythingWhenTorrentsAreOff()
    {
        Assert.Equal("magnet", MagnetProber.Check($"magnet:?xt=urn:btih:{Hash}", new HubOptions()).Scheme);
        var bad = Assert.Throws<HubValidationException>(() => MagnetProber.Check("magnet:?dn=nothing", new HubOptions()));
        Assert.Contains("info hash", bad.Message);
        var off = Assert.Throws<HubValidationException>(() => MagnetProber.Check($"magnet:?xt=urn:btih:{Hash}", new HubOptions { Torrents = new() { Enabled = false } }));
        Assert.Contains("Torrents are turned off", off.Message);
    }

    [Fact]
    public async Task TrackerGuard_AppliesTheNetworkPolicy_ToEveryTracker()
    {
        var hub = new HubOptions { Network = new NetworkOptions { AllowPrivateNetworks = true, Deny = ["127.0.0.1/32:6970"] } };
        var guard = new TrackerGuard(new UrlGuard(hub.Network, new SystemHostResolver()), Options.Create(hub));

        var refused = await guard.RefusedAsync(
            ["http://127.0.0.1:6969/announce", "http://127.0.0.1:6970/announce", "udp://127.0.0.1:6970", "wss://127.0.0.1/x", "not a url"],
            CancellationToken.None);

        Assert.Equal(["http://127.0.0.1:6970/announce", "udp://127.0.0.1:6970", "wss://127.0.0.1/x", "not a url"], refused.Select(r => r.Tracker).ToArray());
        Assert.Contains("127.0.0.1", refused[0].Reason);

        var noUdp = new TrackerGuard(new UrlGuard(hub.Network, new SystemHostResolver()),
            Options.Create(new HubOptions { Network = hub.Network, Torrents = new() { UdpTrackers = false } }));
        Assert.Contains("turned off", Assert.Single(await noUdp.RefusedAsync(["udp://127.0.0.1:6969"], CancellationToken.None)).Reason);
    }

    [Fact]
    public async Task TrackerGuard_WithPrivateNetworksOff_RefusesLoopbackTrackers()
    {
        var hub = new HubOptions();
        var guard = new TrackerGuard(new UrlGuard(hub.Network, new SystemHostResolver()), Options.Create(hub));
        var refused = await guard.RefusedAsync(["http://127.0.0.1:6969/announce", "udp://localhost:6969", "http://[::1]:80/a"], CancellationToken.None);
        Assert.Equal(3, refused.Count);
    }

    [Fact]
    public void FileChoice_TakesMedia_SkipsExecutablesAndSamples()
    {
        Aria2File F(int i, string path, long length) => new(i, path, length, 0, true);
        var chosen = TorrentFiles.Select(
            [F(1, "/d/Show/ep1.mkv", 900_000_000), F(2, "/d/Show/setup.exe", 5_000_000), F(3, "/d/Show/sample.mkv", 20_000), F(4, "/d/Show/theme.flac", 30_000_000), F(5, "/d/Show/info.nfo", 100)],
            minBytes: 1_000_000);
        Assert.Equal([1, 4], chosen.Select(f => f.Index).ToArray());
        // A lone small media file is still the torrent's content.
        Assert.Single(TorrentFiles.Select([F(1, "/d/tiny.mp3", 10), F(2, "/d/cover.jpg", 50_000)], minBytes: 1_000_000));
    }
}
