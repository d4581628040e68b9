using Hub.Domain.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hub.Domain.Tests.Processes;

public sealed class ProcessRunnerTests
{
    private readonly ProcessRunner _runner = new(NullLogger<ProcessRunner>.Instance);

    [Fact]
    public async Task Run_PassesArgumentsVerbatim_NoShell()
    {
        var result = await _runner.RunAsync(new ProcessSpec("printf", ["%s|", "a b", "$HOME", "; rm -rf /"]), CancellationToken.None);
        Assert.Equal("a b|$HOME|; rm -rf /|\n", result.Stdout);
    }

    [Fact]
    public async Task Run_Background_RunsAtNiceTenAndOthersAtNormal()
    {
        // The child waits for stdin's end, which comes after the runner set its priority: no race with the check.
        var script = new[] { "-c", "cat >/dev/null; nice" };
        var background = await _runner.RunAsync(new ProcessSpec("sh", script) { Background = true }, CancellationToken.None);
        var normal = await _runner.RunAsync(new ProcessSpec("sh", script), CancellationToken.None);
        var stat = File.ReadAllText("/proc/self/stat");
        var own = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16]; // field 19: this test process's nice value
        Assert.Equal("10", background.Stdout.Trim());
        Assert.Equal(own, normal.Stdout.Trim());
    }

    [Fact]
    public async Task Run_Timeout_KillsWholeTree()
    {
        var marker = Path.Combine(Path.GetTempPath(), "hub-pr-" + Guid.NewGuid().ToString("N"));
        var spec = new ProcessSpec("sh", ["-c", $"sleep 30 & echo $! > {marker}; wait"]) { Timeout = TimeSpan.FromSeconds(5) }; // time for sh to start the sleep and write its id on a busy machine
        await Assert.ThrowsAsync<ProcessTimeoutException>(() => _runner.RunAsync(spec, CancellationToken.None));
        var child = int.Parse(File.ReadAllText(marker).Trim());
        await Task.Delay(200);
        Assert.False(File.Exists($"/proc/{child}/status") && !File.ReadAllText($"/proc/{child}/status").Contains("zombie"), "the grandchild sleep survived");
        File.Delete(marker);
    }

    [Fact]
    public async Task Run_Cancelled_Throws_OperationCanceled()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _runner.RunAsync(new ProcessSpec("sleep", ["30"]), cts.Token));
    }

    [Fact]
    public async Task RunChecked_Failure_CarriesStderr()
    {
        var ex = await Assert.ThrowsAsync<ProcessFailedException>(() => _runner.RunCheckedAsync(new ProcessSpec("sh", ["-c", "echo boom >&2; exit 3"]), CancellationToken.None));
        Assert.Contains("boom", ex.Message);
        Assert.Equal(3, ex.Result.ExitCode);
    }

    [Fact]
    public async Task Run_MissingProgram_IsToolNotFound() =>
        await Assert.ThrowsAsync<ToolNotFoundException>(() => _runner.RunAsync(new ProcessSpec("hub-no-such-tool", []), CancellationToken.None));

    [Theory]
    [InlineData("2023.03.04\n", "2023.03.04")]
    [InlineData("ffprobe version 5.1.9-0+deb12u1 Copyright (c) 2007-2025 the FFmpeg developers\nbuilt with gcc", "5.1.9-0+deb12u1")]
    [InlineData("aria2 version 1.36.0\nCopyright (C) 2006, 2019 Tatsuhiro Tsujikawa", "1.36.0")]
    public void ParseVersion_ReadsToolBanners(string stdout, string version) =>
        Assert.Equal(version, ToolVersions.ParseVersion(stdout));
}
