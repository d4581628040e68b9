using System.Security.Cryptography;
using Hub.Domain.Engines.Torrent;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Testing;

namespace Hub.Domain.Tests.Engines.Torrent;

/// <summary>Torrent imports end to end: a real tracker and seeder on loopback, Hub's own aria2, the job pipeline, the database.</summary>
[Collection("pipeline")]
public sealed class TorrentImportTests(TorrentFixture fx) : IClassFixture<TorrentFixture>
{
    private static string Sha(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private string WorkDir(Guid job) => Path.Combine(fx.DataDir, "tmp", "jobs", job.ToString("N"));

    [Fact]
    public async Task MagnetLink_OfASingleFileTorrent_EndsAsAnEntry()
    {
        var clip = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "torrent-magnet");
        await using var swarm = await TorrentSwarm.StartAsync("magnet", new Dictionary<string, string> { ["Magnet Clip.mp4"] = clip });

        var done = await fx.WaitAsync((await fx.ImportAsync(swarm.Magnet)).Id);

        Assert.True(done.State == JobStates.Completed, done.Error);
        var entry = await fx.EntryAsync(done.EntryId!.Value);
        Assert.Equal("Magnet Clip", entry.Title);
        Assert.Equal("bittorrent", entry.Platform);
        Assert.Equal(swarm.InfoHash, entry.SourceId);
        Assert.Equal("video", entry.MediaKind);
        Assert.Equal(Sha(clip), entry.ContentHash);
        Assert.True(File.Exists(entry.FilePath));
        Assert.False(Directory.Exists(WorkDir(done.Id)));

        // The same torrent again (its base32 spelling, another tracker order): already in the library.
        var again = await fx.WaitAsync((await fx.ImportAsync($"magnet:?xt=urn:btih:{swarm.InfoHash.ToUpperInvariant()}")).Id);
        Assert.Equal(JobStates.Completed, again.State);
        Assert.Equal(entry.Id, again.EntryId);
    }

    [Fact]
    public async Task TorrentFileUrl_IsFetchedThroughTheGuard_AndDownloaded()
    {
        var tone = await TestMedia.VariantAsync(await TestMedia.AudioAsync(), "torrent-url");
        await using var swarm = await TorrentSwarm.StartAsync("url", new Dictionary<string, string> { ["Torrent Tone.m4a"] = tone });
        fx.Site.MapFile("files/tone.torrent", swarm.TorrentPath, "application/x-bittorrent");

        var done = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url("files/tone.torrent").AbsoluteUri)).Id);

        Assert.True(done.State == JobStates.Completed, done.Error);
        var entry = await fx.EntryAsync(done.EntryId!.Value);
        Assert.Equal("audio", entry.MediaKind);
        Assert.Equal(Sha(tone), entry.ContentHash);
        Assert.Equal("Torrent Tone", entry.Title);
    }

    [Fact]
    public async Task Engine_FetchesOnlyTheMediaFiles_OfAMultiFileTorrent()
    {
        var clip = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "torrent-multi");
        var tone = await TestMedia.VariantAsync(await TestMedia.AudioAsync(), "torrent-multi");
        var junk = await TestMedia.BytesAsync(60_000);
        var tiny = await TestMedia.BytesAsync(5_000);
        await using var swarm = await TorrentSwarm.StartAsync("Season Pack", new Dictionary<string, string>
        {
            ["Episode 1.mp4"] = clip,
            ["extras/Theme.m4a"] = tone,
            ["setup.exe"] = junk,
            ["readme.txt"] = tiny,
            ["sample.mp4"] = tiny,
        });
        var work = Directory.CreateTempSubdirectory("hub-torrent-engine-").FullName;
        try
        {
            var result = await fx.Get<TorrentEngine>().DownloadAsync(
                new Hub.Domain.Engines.DownloadRequest(new Uri(swarm.Magnet), work, "video_best", null, null), new Progress<Hub.Domain.Engines.DownloadProgress>(), CancellationToken.None);

            Assert.Equal(["Season Pack/Episode 1.mp4", "Season Pack/extras/Theme.m4a"], result.Files!.Select(f => f.Name).Order().ToArray());
            Assert.Equal(Sha(clip), Sha(Path.Combine(work, "Season Pack", "Episode 1.mp4")));
            Assert.Equal(Sha(tone), Sha(Path.Combine(work, "Season Pack", "extras", "Theme.m4a")));
            Assert.False(File.Exists(Path.Combine(work, "Season Pack", "setup.exe")));
            Assert.False(File.Exists(Path.Combine(work, "Season Pack", "sample.mp4")));
            Assert.Equal("Season Pack", result.Metadata!.Title);
            Assert.DoesNotContain(await (await fx.Get<Aria2Daemon>().GetAsync(CancellationToken.None)).TellAllAsync(CancellationToken.None), s => s.Dir == work);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task MultiFileTorrent_BecomesAParent_WithOneEntryPerMediaFile()
    {
        var clip = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "torrent-children");
        var tone = await TestMedia.VariantAsync(await TestMedia.AudioAsync(), "torrent-children");
        await using var swarm = await TorrentSwarm.StartAsync("Live Set", new Dictionary<string, string>
        {
            ["Concert.mp4"] = clip,
            ["audio/Encore.m4a"] = tone,
            ["cover.exe"] = await TestMedia.BytesAsync(50_000),
        });

        var parent = await fx.WaitAsync((await fx.ImportAsync(swarm.Magnet)).Id);

        Assert.True(parent.State == JobStates.Completed, parent.Error);
        await using var db = fx.CreateDb();
        var children = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.Jobs.Where(j => j.ParentId == parent.Id));
        Assert.Equal(2, children.Count);
        Assert.All(children, c => Assert.Equal(JobStates.Completed, c.State));
        var entries = new List<Hub.Domain.Entries.Entry>();
        foreach (var c in children) entries.Add(await fx.EntryAsync(c.EntryId!.Value));
        Assert.Equal([("audio", Sha(tone)), ("video", Sha(clip))], entries.Select(e => (e.MediaKind, e.ContentHash!)).Order().ToArray());
        Assert.False(Directory.Exists(WorkDir(parent.Id)));
    }

    [Fact]
    public async Task UploadedTorrentFile_OfAMultiFileTorrent_BecomesAParent_WithOneEntryPerMediaFile_AndAgainIsAlreadyThere()
    {
        var clip = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "torrent-upload-children");
        var tone = await TestMedia.VariantAsync(await TestMedia.AudioAsync(), "torrent-upload-children");
        await using var swarm = await TorrentSwarm.StartAsync("Uploaded Set", new Dictionary<string, string>
        {
            ["Part 1.mp4"] = clip,
            ["Part 2.m4a"] = tone,
            ["install.exe"] = await TestMedia.BytesAsync(40_000),
        });

        async Task<Job> UploadAsync()
        {
            var copy = Path.Combine(Path.GetTempPath(), $"hub-upload-{Guid.NewGuid():N}.torrent"); // an upload is moved into its job
            File.Copy(swarm.TorrentPath, copy);
            var job = await fx.Get<ImportService>().ImportAsync(new ImportRequest
            {
                UploadedFile = copy, FileName = "set.torrent", Door = Doors.Web, RequestedBy = "test",
            }, CancellationToken.None);
            return await fx.WaitAsync(job.Id);
        }

        var parent = await UploadAsync();

        Assert.True(parent.State == JobStates.Completed, parent.Error);
        var children = await fx.Get<JobQueue>().ListAsync(new JobFilter { ParentId = parent.Id }, CancellationToken.None);
        Assert.Equal(2, children.Count);
        Assert.All(children, c => Assert.True(c.State == JobStates.Completed, c.Error));
        var entries = new List<Hub.Domain.Entries.Entry>();
        foreach (var c in children) entries.Add(await fx.EntryAsync(c.EntryId!.Value));
        Assert.Equal([("audio", Sha(tone)), ("video", Sha(clip))], entries.Select(e => (e.MediaKind, e.ContentHash!)).Order().ToArray());
        Assert.All(entries, e => Assert.True(File.Exists(e.FilePath)));

        // The same torrent again: already in the library (by its info hash or each file's content), no second copy.
        int Count() { using var db = fx.CreateDb(); return db.Entries.Count(); }
        var before = Count();
        var again = await UploadAsync();
        Assert.True(again.State == JobStates.Completed, again.Error);
        Assert.Equal(before, Count());
    }

    [Fact]
    public async Task TorrentWithoutMedia_FailsSayingSo()
    {
        await using var swarm = await TorrentSwarm.StartAsync("Tools", new Dictionary<string, string>
        {
            ["tool.exe"] = await TestMedia.BytesAsync(70_000),
            ["notes.txt"] = await TestMedia.BytesAsync(5_000),
        });
        var done = await fx.WaitAsync((await fx.ImportAsync(swarm.Magnet)).Id);
        Assert.Equal(JobStates.Failed, done.State);
        Assert.Equal("not-media", done.ErrorKind);
        Assert.Contains("no audio or video", done.Error);
        Assert.Contains("tool.exe", done.Error);
    }

    [Fact]
    public async Task Cancel_StopsTheDownload_AndRemovesItsData()
    {
        var big = await TestMedia.VariantAsync(await TestMedia.BigVideoAsync(), "torrent-cancel");
        await using var swarm = await TorrentSwarm.StartAsync("cancel", new Dictionary<string, string> { ["Big Cancel.mp4"] = big }, uploadLimit: "300K");
        var job = await fx.ImportAsync(swarm.Magnet);
        await WaitForBytesAsync(job.Id, 1);
        // A progress save after the first bytes carries the swarm as aria2 counts it (aria2 polled every 0.5 s).
        var running = await fx.Get<JobQueue>().GetAsync(job.Id, CancellationToken.None);
        for (var until = DateTime.UtcNow.AddSeconds(30); running.Swarm is not { Peers: >= 1 } && DateTime.UtcNow < until;)
        {
            await Task.Delay(100);
            running = await fx.Get<JobQueue>().GetAsync(job.Id, CancellationToken.None);
        }
        Assert.True(running.Swarm is { Peers: >= 1, Seeding: false }, $"swarm while downloading: {running.Swarm}");

        await fx.Get<JobQueue>().CancelAsync(job.Id, "test", CancellationToken.None);
        var done = await fx.WaitAsync(job.Id);

        Assert.Equal(JobStates.Cancelled, done.State);
        Assert.Null(done.Swarm);
        Assert.False(Directory.Exists(WorkDir(job.Id)));
        var aria2 = await fx.Get<Aria2Daemon>().GetAsync(CancellationToken.None);
        Assert.DoesNotContain(await aria2.TellAllAsync(CancellationToken.None), s => s.Dir == WorkDir(job.Id));
    }

    [Fact]
    public async Task SeederGone_TheJobIsStalled_AndKeepsItsPieces()
    {
        var big = await TestMedia.VariantAsync(await TestMedia.BigVideoAsync(), "torrent-stall");
        await using var swarm = await TorrentSwarm.StartAsync("stall", new Dictionary<string, string> { ["Big Stall.mp4"] = big }, uploadLimit: "300K");
        var job = await fx.ImportAsync(swarm.Magnet);
        await WaitForBytesAsync(job.Id, 1);

        swarm.StopSeeder();
        var until = DateTime.UtcNow.AddSeconds(60);
        IReadOnlyList<JobEvent> events;
        do
        {
            await Task.Delay(200);
            events = await fx.Get<JobQueue>().EventsAsync(job.Id, CancellationToken.None);
        }
        while (!events.Any(e => e.ToState == JobStates.Stalled) && DateTime.UtcNow < until);

        var stalled = Assert.Single(events, e => e.ToState == JobStates.Stalled);
        Assert.Contains("No peer has sent data", stalled.Message);
        Assert.True(Directory.EnumerateFiles(WorkDir(job.Id), "*.aria2", SearchOption.AllDirectories).Any(), "the pieces and aria2's control file are kept for the retry");
        await fx.Get<JobQueue>().CancelAsync(job.Id, "test", CancellationToken.None);
        await fx.WaitAsync(job.Id);
    }

    [Fact]
    public async Task Aria2Dies_MidDownload_ItIsStartedAgain_AndTheJobCompletes()
    {
        var big = await TestMedia.VariantAsync(await TestMedia.BigVideoAsync(), "torrent-aria2-dies");
        await using var swarm = await TorrentSwarm.StartAsync("dies", new Dictionary<string, string> { ["Big Dies.mp4"] = big }, uploadLimit: "1M");
        var daemon = fx.Get<Aria2Daemon>();
        var job = await fx.ImportAsync(swarm.Magnet);
        await WaitForBytesAsync(job.Id, 300_000);
        var starts = daemon.Starts;

        daemon.Kill();
        var done = await fx.WaitAsync(job.Id);

        Assert.True(done.State == JobStates.Completed, done.Error);
        Assert.True(daemon.Starts > starts, "aria2 was started again");
        Assert.Equal(Sha(big), (await fx.EntryAsync(done.EntryId!.Value)).ContentHash);
    }

    [Fact]
    public async Task SeedingPolicy_SeedsAfterTheDownload_AndSaysSo()
    {
        var clip = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "torrent-seed");
        await using var swarm = await TorrentSwarm.StartAsync("seed", new Dictionary<string, string> { ["Seed Clip.mp4"] = clip });
        var hub = fx.Get<Microsoft.Extensions.Options.IOptions<HubOptions>>().Value;
        var seeding = new HubOptions { DataDir = hub.DataDir, Network = hub.Network, Tools = hub.Tools,
            Torrents = new TorrentOptions { Dht = false, Interface = "127.0.0.1", SeedMinutes = 0.05, SeedRatio = 5 } };
        var engine = new TorrentEngine(fx.Get<Aria2Daemon>(), fx.Get<TrackerGuard>(), fx.Get<Hub.Domain.Net.GuardedHttp>(),
            Microsoft.Extensions.Options.Options.Create(seeding), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<TorrentEngine>.Instance);
        var reports = new System.Collections.Concurrent.ConcurrentQueue<Hub.Domain.Engines.DownloadProgress>();
        var work = Directory.CreateTempSubdirectory("hub-torrent-seed-").FullName;
        try
        {
            var started = DateTime.UtcNow;
            var result = await engine.DownloadAsync(new Hub.Domain.Engines.DownloadRequest(new Uri(swarm.Magnet), work, "video_best", null, null),
                new InlineProgress(reports.Enqueue), CancellationToken.None);

            Assert.Equal(Sha(clip), Sha(result.FilePath));
            Assert.Contains(reports, r => r.Swarm is { Seeding: true });
            Assert.True(DateTime.UtcNow - started > TimeSpan.FromSeconds(2.5), "it seeded for the 3 s the policy asks");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task ExternalAria2_GivenByUrlAndSecret_DownloadsTheTorrent_AndAWrongSecretSaysSo()
    {
        var clip = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "torrent-external");
        await using var swarm = await TorrentSwarm.StartAsync("external", new Dictionary<string, string> { ["External Clip.mp4"] = clip });
        var port = HubProcess.FreePort();
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var own = Directory.CreateTempSubdirectory("hub-aria2-external-").FullName;
        var work = Directory.CreateTempSubdirectory("hub-torrent-external-").FullName;
        // The operator's aria2, on the same machine (it writes into Hub's work folders).
        var start = new System.Diagnostics.ProcessStartInfo("aria2c") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = own };
        foreach (var a in new[] { "--enable-rpc", "--rpc-listen-all=false", $"--rpc-listen-port={port}", "--rpc-secret=" + secret, "--enable-dht=false",
                     "--bt-enable-lpd=false", "--interface=127.0.0.1", "--disable-ipv6=true", "--dir=" + own, "--quiet=true" })
        {
            start.ArgumentList.Add(a);
        }
        using var aria2 = System.Diagnostics.Process.Start(start)!;
        var hub = fx.Get<Microsoft.Extensions.Options.IOptions<HubOptions>>().Value;
        var daemons = new List<Aria2Daemon>();
        TorrentEngine Engine(string rpcSecret)
        {
            var options = Microsoft.Extensions.Options.Options.Create(new HubOptions { DataDir = hub.DataDir, Network = hub.Network, Tools = hub.Tools,
                Torrents = new TorrentOptions { Dht = false, Interface = "127.0.0.1", RpcUrl = $"http://127.0.0.1:{port}/jsonrpc", RpcSecret = rpcSecret } });
            var daemon = new Aria2Daemon(options, fx.Get<Hub.Domain.Net.EgressProxy>(), Microsoft.Extensions.Logging.Abstractions.NullLogger<Aria2Daemon>.Instance);
            daemons.Add(daemon);
            return new TorrentEngine(daemon, fx.Get<TrackerGuard>(), fx.Get<Hub.Domain.Net.GuardedHttp>(), options, TimeProvider.System,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<TorrentEngine>.Instance);
        }
        Hub.Domain.Engines.DownloadRequest Request() => new(new Uri(swarm.Magnet), work, "video_best", null, null);
        try
        {
            var engine = Engine(secret);
            await Eventually.UntilAsync(async () =>
            {
                try
                {
                    await (await daemons[0].GetAsync(CancellationToken.None)).GetVersionAsync(CancellationToken.None);
                    return true;
                }
                catch (Aria2UnavailableException)
                {
                    return false;
                }
            }, "the operator's aria2 answers");

            var result = await engine.DownloadAsync(Request(), new Progress<Hub.Domain.Engines.DownloadProgress>(), CancellationToken.None);

            Assert.Equal(Sha(clip), Sha(result.FilePath));
            Assert.All(daemons, d => Assert.Equal((0, false), (d.Starts, d.Running))); // Hub started no aria2 of its own

            var refused = await Assert.ThrowsAsync<ImportFailedException>(() =>
                Engine("not-" + secret).DownloadAsync(Request() with { WorkDir = Directory.CreateTempSubdirectory("hub-torrent-refused-").FullName },
                    new Progress<Hub.Domain.Engines.DownloadProgress>(), CancellationToken.None));
            Assert.Contains("Hub:Torrents:RpcSecret", refused.Message);
        }
        finally
        {
            aria2.Kill(entireProcessTree: true);
            await aria2.WaitForExitAsync();
            foreach (var d in daemons) await d.DisposeAsync();
            Directory.Delete(work, recursive: true);
            Directory.Delete(own, recursive: true);
        }
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the pool, so the last reports could arrive after the assert).</summary>
    private sealed class InlineProgress(Action<Hub.Domain.Engines.DownloadProgress> report) : IProgress<Hub.Domain.Engines.DownloadProgress>
    {
        public void Report(Hub.Domain.Engines.DownloadProgress value) => report(value);
    }

    private async Task WaitForBytesAsync(Guid id, long bytes)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            var job = await fx.Get<JobQueue>().GetAsync(id, CancellationToken.None);
            if (job.BytesDone >= bytes && job.State == JobStates.Downloading) return;
            Assert.False(JobStates.IsTerminal(job.State), $"job ended early: {job.State} {job.Error}");
            await Task.Delay(100);
        }
        throw new TimeoutException($"job {id} never reached {bytes} bytes");
    }
}
