using Hub.Testing;

namespace Hub.Host.Tests.Jobs;

/// <summary>
/// `hub serve` is killed (SIGKILL) in the middle of a torrent download. Its aria2 ends itself (it watches Hub's pid); the
/// next `hub serve` reclaims the job, adds the torrent again to the same folder, and aria2 carries on from its control
/// file: one entry, byte-exact, and less fetched the second time than the whole.
/// </summary>
public sealed class TorrentCrashTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "hub-torrent-crash-" + Guid.NewGuid().ToString("N")[..10]);
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await TestPostgres.CreateDatabaseAsync("torrentcrash");

    public Task DisposeAsync()
    {
        try { Directory.Delete(_dataDir, recursive: true); } catch (DirectoryNotFoundException) { }
        return Task.CompletedTask;
    }

    private Dictionary<string, string?> Env => new()
    {
        ["ConnectionStrings__Hub"] = _connectionString,
        ["Hub__DataDir"] = _dataDir,
        ["Hub__Network__AllowPrivateNetworks"] = "true",
        ["Hub__Torrents__Dht"] = "false",
        ["Hub__Torrents__Interface"] = "127.0.0.1",
        ["Hub__Jobs__LeaseDuration"] = "00:00:03",
        ["Hub__Jobs__HeartbeatInterval"] = "00:00:01",
        ["Hub__Jobs__ReapInterval"] = "00:00:01",
        ["Hub__Jobs__PollInterval"] = "00:00:01",
        ["Hub__Jobs__ProgressSaveInterval"] = "00:00:00.2",
    };

    [Fact]
    public async Task KilledServe_MidTorrent_ResumesWithThePiecesItHas_AndFilesOneEntry()
    {
        var big = await TestMedia.VariantAsync(await TestMedia.BigVideoAsync(), "torrent-crash");
        var size = new FileInfo(big).Length;
        await using var swarm = await TorrentSwarm.StartAsync("crash", new Dictionary<string, string> { ["Crash Test.mp4"] = big }, uploadLimit: "400K");

        // Every query names the job: `hub serve` also runs its own (housekeeping), which complete long before the torrent.
        Guid jobId;
        await using (var first = HubProcess.Start(["serve", $"--urls=http://127.0.0.1:{HubProcess.FreePort()}"], Env))
        {
            var enqueue = await HubProcess.RunAsync(["import", swarm.Magnet], Env);
            Assert.True(enqueue.ExitCode == 0, enqueue.Stderr);
            jobId = Guid.Parse(enqueue.Stdout.Split(' ')[1]);
            await WaitUntilAsync(async () => await ScalarAsync<long>("SELECT bytes_done FROM jobs WHERE id = $1", jobId) > size / 3, "a third downloaded");
            var aria2 = ProcessInfo.Find(Path.Combine(_dataDir, "aria2", "aria2.conf"));
            Assert.Single(aria2);

            first.Kill();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
            // aria2 notices Hub is gone (--stop-with-process) and ends itself; nothing keeps writing into the job's folder.
            await WaitUntilAsync(() => Task.FromResult(!ProcessInfo.IsAlive(aria2[0])), "aria2 ended with Hub", TimeSpan.FromSeconds(20));
        }
        var resumedFrom = await ScalarAsync<long>("SELECT bytes_done FROM jobs WHERE id = $1", jobId);

        await using var second = HubProcess.Start(["serve", $"--urls=http://127.0.0.1:{HubProcess.FreePort()}"], Env);
        await WaitUntilAsync(async () => await ScalarAsync<string>("SELECT state FROM jobs WHERE id = $1", jobId) is "completed" or "failed", "job finished",
            TimeSpan.FromSeconds(120));

        Assert.Equal("completed", await ScalarAsync<string>("SELECT state FROM jobs WHERE id = $1", jobId));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM entries"));
        Assert.Equal(await File.ReadAllBytesAsync(big), await File.ReadAllBytesAsync(await ScalarAsync<string>("SELECT file_path FROM entries")));
        // The second run started from the pieces on disk (aria2 saves its control file as it stops), not from zero.
        var line = await second.WaitForOutputAsync("bytes already in the work folder", TimeSpan.FromSeconds(5));
        var already = long.Parse(System.Text.RegularExpressions.Regex.Match(line, @"resuming with (\d+) of").Groups[1].Value);
        Assert.True(already >= resumedFrom / 2, $"resumed with {already} bytes; the first run had {resumedFrom}");
    }

    private Task<T> ScalarAsync<T>(string sql, params object[] args) => Eventually.ScalarAsync<T>(_connectionString, sql, args);

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) => Eventually.UntilAsync(condition, what, timeout);
}
