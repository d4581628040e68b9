using System.Text;
using Hub.Domain.Tools;
using Hub.Testing;

namespace Hub.Domain.Tests.Tools;

/// <summary>Hub's yt-dlp updater against a fake release served on 127.0.0.1, signed with a key made for the test run.</summary>
public sealed class YtDlpUpdaterTests(FakeYtDlpRelease release) : IClassFixture<FakeYtDlpRelease>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Update_InstallsVerifiedRelease_AndItsVersionIsReported()
    {
        await release.PublishAsync("latest", FakeYtDlpRelease.Script("2099.01.01"));
        var (updater, versions, hub, status) = release.NewUpdater();

        var result = await updater.UpdateAsync(null, Ct);

        Assert.True(result.Changed);
        Assert.Equal("2099.01.01", result.Version);
        Assert.Equal("passed", result.Canary);
        var command = ManagedYtDlp.Resolve(hub);
        Assert.Equal("managed", command.Source);
        Assert.Equal(updater.Managed.CurrentCommand, command.Path);
        Assert.Equal("2099.01.01", (await versions.GetAsync(Ct)).Single(t => t.Name == "yt-dlp").Version);
        var s = await status.GetAsync(Ct);
        Assert.Equal("2099.01.01", s.Version);
        Assert.False(s.Outdated);
        Assert.Equal("managed", s.Source);
        Assert.StartsWith("node (", s.JsRuntime); // a build this new takes --js-runtimes, and Node is installed
        Assert.Contains("--js-runtimes", command.ExtraArguments);
    }

    [Fact]
    public async Task Update_AssetNotMatchingTheSignedSum_IsRefused_NothingInstalled()
    {
        await release.PublishAsync("2099.02.01", FakeYtDlpRelease.Script("2099.02.01"), servedAsset: FakeYtDlpRelease.Script("2099.02.66"));
        var (updater, _, hub, _) = release.NewUpdater();

        var ex = await Assert.ThrowsAsync<ToolUpdateException>(() => updater.UpdateAsync("2099.02.01", Ct));

        Assert.Equal("tool-update-checksum", ex.Type);
        Assert.Contains("does not match its signed SHA-256", ex.Message);
        Assert.False(updater.Managed.IsInstalled);
        Assert.Equal("system", ManagedYtDlp.Resolve(hub).Source);
    }

    [Fact]
    public async Task Update_SumsSignedByAnotherKey_IsRefused()
    {
        await release.PublishAsync("2099.03.01", FakeYtDlpRelease.Script("2099.03.01"), signWithOtherKey: true);
        var (updater, _, _, _) = release.NewUpdater();

        var ex = await Assert.ThrowsAsync<ToolUpdateException>(() => updater.UpdateAsync("2099.03.01", Ct));

        Assert.Equal("tool-update-signature", ex.Type);
        Assert.Contains("not made by the pinned key", ex.Message);
        Assert.False(updater.Managed.IsInstalled);
    }

    [Fact]
    public async Task Update_SumsChangedAfterSigning_IsRefused()
    {
        // A mirror that swaps in its own asset and rewrites the sums to match: only the signature can tell.
        var evil = FakeYtDlpRelease.Script("2099.04.66");
        await release.PublishAsync("2099.04.01", FakeYtDlpRelease.Script("2099.04.01"), servedAsset: evil,
            tamperSums: sums => sums.Replace(sums[..64], Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(evil))));
        var (updater, _, _, _) = release.NewUpdater();

        var ex = await Assert.ThrowsAsync<ToolUpdateException>(() => updater.UpdateAsync("2099.04.01", Ct));

        Assert.Equal("tool-update-signature", ex.Type);
        Assert.False(updater.Managed.IsInstalled);
    }

    [Fact]
    public async Task SecondUpdate_SwapsAtomically_AndKeepsThePreviousBuild()
    {
        var (updater, _, _, _) = release.NewUpdater(release.UpdateOptions(canary: null));
        await release.PublishAsync("2099.05.01", FakeYtDlpRelease.Script("2099.05.01"));
        await updater.UpdateAsync("2099.05.01", Ct);
        var first = File.ReadAllBytes(updater.Managed.CurrentCommand);

        // While the swap happens, "current" must always name a complete build: never missing, never half-written.
        using var stop = new CancellationTokenSource();
        var seen = new List<string>();
        var watcher = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var text = Encoding.ASCII.GetString(File.ReadAllBytes(updater.Managed.CurrentCommand));
                lock (seen) seen.Add(text);
            }
        });
        await release.PublishAsync("2099.05.02", FakeYtDlpRelease.Script("2099.05.02"));
        var result = await updater.UpdateAsync("2099.05.02", Ct);
        await stop.CancelAsync();
        await watcher;

        Assert.Equal("2099.05.01", result.PreviousVersion);
        Assert.Equal("2099.05.02", updater.Managed.Current!.Version);
        Assert.Equal("2099.05.01", updater.Managed.Previous!.Version);
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(updater.Managed.PreviousLink, ManagedYtDlp.FileName)));
        Assert.NotNull(new FileInfo(updater.Managed.CurrentLink).LinkTarget);
        Assert.NotEmpty(seen);
        Assert.All(seen, text => Assert.True(text.Contains("echo 2099.05.01") || text.Contains("echo 2099.05.02"), text));
    }

    [Fact]
    public async Task Rollback_GoesBackToThePreviousBuild_AndForwardAgain()
    {
        var (updater, versions, _, _) = release.NewUpdater(release.UpdateOptions(canary: null));
        await release.PublishAsync("2099.06.01", FakeYtDlpRelease.Script("2099.06.01"));
        await release.PublishAsync("2099.06.02", FakeYtDlpRelease.Script("2099.06.02"));
        await updater.UpdateAsync("2099.06.01", Ct);
        await updater.UpdateAsync("2099.06.02", Ct);
        Assert.Equal("2099.06.02", (await versions.GetAsync(Ct)).Single(t => t.Name == "yt-dlp").Version);

        var back = await updater.RollbackAsync(Ct);

        Assert.Equal("2099.06.01", back.Version);
        Assert.Equal("2099.06.01", (await versions.GetAsync(Ct)).Single(t => t.Name == "yt-dlp").Version);
        Assert.Equal("2099.06.02", updater.Managed.Previous!.Version);
        Assert.Equal("2099.06.02", (await updater.RollbackAsync(Ct)).Version);
    }

    [Fact]
    public async Task Rollback_WithoutAPreviousBuild_IsRefused()
    {
        var (updater, _, _, _) = release.NewUpdater();
        var ex = await Assert.ThrowsAsync<ToolUpdateException>(() => updater.RollbackAsync(Ct));
        Assert.Equal("tool-update-rollback", ex.Type);
    }

    [Fact]
    public async Task Update_FailingTheCanary_RollsBackByItself()
    {
        await release.PublishAsync("2099.07.01", FakeYtDlpRelease.Script("2099.07.01"));
        await release.PublishAsync("2099.07.02", FakeYtDlpRelease.Script("2099.07.02", passesCanary: false));
        var (updater, versions, _, _) = release.NewUpdater();
        await updater.UpdateAsync("2099.07.01", Ct); // passes the canary: the real (old) yt-dlp reads the loopback clip

        var ex = await Assert.ThrowsAsync<ToolUpdateException>(() => updater.UpdateAsync("2099.07.02", Ct));

        Assert.Equal("tool-update-canary", ex.Type);
        Assert.Contains("rolled back to 2099.07.01", ex.Message);
        Assert.Contains("Unable to extract", ex.Message);
        Assert.Equal("2099.07.01", updater.Managed.Current!.Version);
        Assert.Equal("2099.07.01", (await versions.GetAsync(Ct)).Single(t => t.Name == "yt-dlp").Version);
        Assert.Single(Directory.GetDirectories(updater.Managed.ReleasesDir)); // the failed build is gone
    }

    [Fact]
    public async Task Update_FirstInstallFailingTheCanary_LeavesTheSystemYtDlp()
    {
        await release.PublishAsync("2099.08.01", FakeYtDlpRelease.Script("2099.08.01", passesCanary: false));
        var (updater, _, hub, _) = release.NewUpdater();

        var ex = await Assert.ThrowsAsync<ToolUpdateException>(() => updater.UpdateAsync("2099.08.01", Ct));

        Assert.Contains("rolled back to the system yt-dlp", ex.Message);
        Assert.Equal("system", ManagedYtDlp.Resolve(hub).Source);
    }

    [Fact]
    public async Task ConfiguredYtDlp_WinsOverTheManagedBuild()
    {
        await release.PublishAsync("2099.09.01", FakeYtDlpRelease.Script("2099.09.01"));
        var (updater, _, hub, _) = release.NewUpdater(release.UpdateOptions(canary: null));
        await updater.UpdateAsync("2099.09.01", Ct);

        hub.Tools.YtDlp = "/usr/bin/yt-dlp";

        var command = ManagedYtDlp.Resolve(hub);
        Assert.Equal("configured", command.Source);
        Assert.Equal("/usr/bin/yt-dlp", command.Path);
        Assert.Empty(command.ExtraArguments);
    }

    [Fact]
    public async Task SystemDebianYtDlp_IsOutdated_WithTheWayToUpdate()
    {
        // Today's Debian build (2023.03.04), the one hub.sh installs: far older than 60 days.
        var (_, _, _, status) = release.NewUpdater();

        var s = await status.GetAsync(Ct);

        Assert.Equal("system", s.Source);
        Assert.True(s.Outdated, s.Summary);
        Assert.Contains("outdated", s.Summary);
        Assert.Contains("hub tools update", s.Summary);
        Assert.Contains("predates --js-runtimes", ManagedYtDlp.JsRuntimeArguments(s.Version, "node").Description);
    }
}
