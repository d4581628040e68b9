using Hub.Testing;

namespace Hub.Host.Tests.Cli;

/// <summary>The command line as an import door, against a real `hub worker`.</summary>
public sealed class ImportCommandTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "hub-cli-" + Guid.NewGuid().ToString("N")[..10]);
    private LoopbackServer _site = null!;
    private Dictionary<string, string?> _env = null!;

    public async Task InitializeAsync()
    {
        _site = await LoopbackServer.StartAsync();
        _site.MapFile("cli.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "cli"), "video/mp4");
        _env = new()
        {
            ["ConnectionStrings__Hub"] = await TestPostgres.CreateDatabaseAsync("cliimport"),
            ["Hub__DataDir"] = _dataDir,
            ["Hub__Network__AllowPrivateNetworks"] = "true",
            ["Hub__Jobs__PollInterval"] = "00:00:01",
        };
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    [Fact]
    public async Task ImportWait_PrintsPlainProgressLines_AndExitsZeroWhenDone()
    {
        await using var worker = HubProcess.Start(["worker"], _env);
        var (code, stdout, stderr) = await HubProcess.RunAsync(["import", _site.Url("cli.mp4").AbsoluteUri, "--wait"], _env);

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("queued", stdout);
        Assert.Contains("completed 100%", stdout);
        Assert.Contains("Done: cli", stdout);
        Assert.DoesNotContain("\r", stdout); // not a terminal: no progress bar redraws

        var jobs = await HubProcess.RunAsync(["jobs", "--state", "completed"], _env);
        Assert.Contains("completed", jobs.Stdout);
        Assert.Contains("cli", jobs.Stdout);
        // The thumbnail that follows the import is Hub's own job: listed with --all only, as the API and admin do.
        var people = await HubProcess.RunAsync(["jobs"], _env);
        Assert.Contains("cli", people.Stdout);
        Assert.DoesNotContain("Thumbnail", people.Stdout);
        Assert.Contains("Thumbnail", (await HubProcess.RunAsync(["jobs", "--all"], _env)).Stdout);

        // The same URL again: done at once, and said to be the entry already there.
        var again = await HubProcess.RunAsync(["import", _site.Url("cli.mp4").AbsoluteUri, "--wait"], _env);
        Assert.True(again.ExitCode == 0, again.Stdout + again.Stderr);
        Assert.Contains("Done: cli", again.Stdout);
        Assert.Contains("already in the library", again.Stdout);
    }

    [Fact]
    public async Task ImportWait_WithNoWorker_EndsOnSigterm_LikeOnCtrlC()
    {
        // No worker runs: the job stays queued and --wait would wait for ever; SIGTERM (systemd, `timeout`) must end it.
        await using var import = HubProcess.Start(["import", _site.Url("cli.mp4").AbsoluteUri, "--wait"], _env);
        for (var i = 0; i < 600 && !import.Stdout.Contains("queued", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }
        Assert.Contains("queued", import.Stdout);
        import.Terminate();
        for (var i = 0; i < 300 && !import.HasExited; i++)
        {
            await Task.Delay(100);
        }
        Assert.True(import.HasExited, "hub import --wait did not end on SIGTERM");
        Assert.Equal(130, import.ExitCode);
    }

    [Fact]
    public async Task BatchDryRun_ReportsEachLine_AndCreatesNothing()
    {
        var file = Path.Combine(_dataDir, "list.txt");
        Directory.CreateDirectory(_dataDir);
        await File.WriteAllTextAsync(file, $"# favourites\n{_site.Url("cli.mp4")}\n\nfile:///etc/passwd\n");

        var (code, stdout, _) = await HubProcess.RunAsync(["batch", file, "--dry-run"], _env);

        Assert.Equal(1, code);
        Assert.Contains("line    2  ok", stdout);
        Assert.Contains("line    4  error", stdout);
        Assert.Contains("Nothing was created", stdout);
        Assert.Contains("No jobs.", (await HubProcess.RunAsync(["jobs"], _env)).Stdout);
    }

    [Fact]
    public async Task Import_OfAPrivateAddress_WithoutTheSetting_IsRefused()
    {
        var env = new Dictionary<string, string?>(_env) { ["Hub__Network__AllowPrivateNetworks"] = "false" };
        var (code, _, stderr) = await HubProcess.RunAsync(["import", _site.Url("cli.mp4").AbsoluteUri], env);
        Assert.NotEqual(0, code);
        Assert.Contains("AllowPrivateNetworks", stderr);
        Assert.Contains("what `hub serve` was given on its command line does not reach it", stderr);
        Assert.DoesNotContain("yt-dlp", stderr); // a one-shot command does not report on the yt-dlp it never runs
        Assert.Equal(0, _site.Count("cli.mp4"));
    }

    [Fact]
    public async Task BatchDryRun_NotesDuplicatesInTheFile_ItemsAlreadyInTheLibrary_AndUnreachableUrls()
    {
        await using (var worker = HubProcess.Start(["worker"], _env))
        {
            var imported = await HubProcess.RunAsync(["import", _site.Url("cli.mp4").AbsoluteUri, "--wait"], _env);
            Assert.True(imported.ExitCode == 0, imported.Stdout + imported.Stderr);
        }
        _site.MapText("page.html", "<p>fine</p>");
        _site.Map("no-head.bin", ctx =>
        {
            ctx.Response.StatusCode = ctx.Request.Method == "HEAD" ? 405 : 206;
            return Task.CompletedTask;
        });
        var file = Path.Combine(_dataDir, "list.txt");
        await File.WriteAllTextAsync(file, string.Join('\n',
            _site.Url("cli.mp4"), _site.Url("page.html"), _site.Url("missing.mp4"), _site.Url("page.html"), _site.Url("no-head.bin")));
        var before = _site.Requests.Count;

        var (code, stdout, stderr) = await HubProcess.RunAsync(["batch", file, "--dry-run"], _env);

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("line    1  note", stdout);
        Assert.Contains("already in the library: cli", stdout);
        Assert.Contains("line    2  ok", stdout);
        Assert.Contains("line    3  note", stdout);
        Assert.Contains("unreachable: HTTP 404", stdout);
        Assert.Contains("duplicate of line 2", stdout);
        Assert.Contains("line    5  ok", stdout); // HEAD refused, one byte by GET answered
        Assert.Contains("Nothing was created", stdout);
        Assert.DoesNotContain(_site.Requests.Skip(before), r => r.PathAndQuery == "/cli.mp4"); // what is in the library is not probed again
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("example")]
    public async Task Import_OfSomethingThatIsNotAUrl_SaysSo(string text)
    {
        var (code, _, stderr) = await HubProcess.RunAsync(["import", text], _env);
        Assert.Equal(64, code);
        Assert.Contains($"'{text}' is not a URL", stderr);
    }
}
