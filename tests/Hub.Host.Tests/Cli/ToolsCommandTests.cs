using Hub.Testing;

namespace Hub.Host.Tests.Cli;

/// <summary>`hub tools …` as a user runs it, against a fake yt-dlp release on 127.0.0.1; no database involved.</summary>
public sealed class ToolsCommandTests(FakeYtDlpRelease release) : IClassFixture<FakeYtDlpRelease>
{
    private string[] Config(string dataDir) =>
    [
        "--Hub:DataDir=" + dataDir,
        "--Hub:ToolUpdates:ReleaseUrl=" + release.Server.Url("rel/").AbsoluteUri + "{version}/",
        "--Hub:ToolUpdates:SigningKeyFile=" + release.TrustedKeyFile,
        "--Hub:ToolUpdates:CanaryUrl=" + release.CanaryUrl.AbsoluteUri,
        "--Hub:Network:AllowPrivateNetworks=true", // the canary page is on loopback, reached through Hub's egress proxy
    ];

    [Fact]
    public async Task Update_Status_Rollback_FromTheCommandLine()
    {
        var data = Path.Combine(Path.GetTempPath(), "hub-tools-cli-" + Guid.NewGuid().ToString("N"));
        await release.PublishAsync("2099.10.01", FakeYtDlpRelease.Script("2099.10.01"));
        await release.PublishAsync("latest", FakeYtDlpRelease.Script("2099.10.02"));
        try
        {
            var before = await HubProcess.RunAsync(["tools", "status", .. Config(data)]);
            Assert.Equal(2, before.ExitCode); // Debian's 2023 build: outdated
            Assert.Contains("outdated", before.Stdout);

            var pinned = await HubProcess.RunAsync(["tools", "update", "--channel", "2099.10.01", .. Config(data)]);
            Assert.True(pinned.ExitCode == 0, pinned.Stderr);
            Assert.Contains("yt-dlp 2099.10.01 installed (2099.10.01, checksum and signature verified, canary passed)", pinned.Stdout);

            var stable = await HubProcess.RunAsync(["tools", "update", .. Config(data)]);
            Assert.True(stable.ExitCode == 0, stable.Stderr);
            Assert.Contains("yt-dlp 2099.10.02 installed (stable", stable.Stdout);
            Assert.Contains("previous: 2099.10.01", stable.Stdout);

            var status = await HubProcess.RunAsync(["tools", "status", .. Config(data)]);
            Assert.Equal(0, status.ExitCode);
            Assert.Contains("yt-dlp 2099.10.02 (", status.Stdout);
            Assert.Contains("(managed)", status.Stdout);
            Assert.Contains("JavaScript:  node (", status.Stdout);

            var back = await HubProcess.RunAsync(["tools", "rollback", .. Config(data)]);
            Assert.True(back.ExitCode == 0, back.Stderr);
            Assert.Contains("rolled back from 2099.10.02 to 2099.10.01", back.Stdout);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Update_BadSignature_ExitsNonZero_WithTheReason()
    {
        var data = Path.Combine(Path.GetTempPath(), "hub-tools-cli-" + Guid.NewGuid().ToString("N"));
        await release.PublishAsync("2099.11.01", FakeYtDlpRelease.Script("2099.11.01"), signWithOtherKey: true);

        var result = await HubProcess.RunAsync(["tools", "update", "--channel", "2099.11.01", .. Config(data)]);

        Assert.Equal(65, result.ExitCode);
        Assert.Contains("signature is not valid", result.Stderr);
        Assert.False(Directory.Exists(Path.Combine(data, "tools", "yt-dlp", "current")));
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
    }
}
