using Hub.Testing;

namespace Hub.Mcp.Tests.Hosting;

/// <summary>
/// The real <c>hub serve</c> as a child process on a free loopback port and a fresh database, with an admin and a user
/// token, and a loopback site to import from. Also the environment for <c>hub mcp</c> on the same database.
/// </summary>
public class ServeFixture : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "hub-mcp-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _tag = Guid.NewGuid().ToString("N")[..8];
    private HubProcess _serve = null!;

    public Dictionary<string, string?> Env { get; private set; } = null!;
    public Uri BaseUri { get; private set; } = null!;
    public Uri McpUri => new(BaseUri, "/mcp");
    public string AdminToken { get; private set; } = "";
    public string UserToken { get; private set; } = "";
    public LoopbackServer Site { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Site = await LoopbackServer.StartAsync();
        Env = new()
        {
            ["ConnectionStrings__Hub"] = await TestPostgres.CreateDatabaseAsync("mcpserve"),
            ["Hub__DataDir"] = _dataDir,
            ["Hub__Network__AllowPrivateNetworks"] = "true",
            ["Hub__Jobs__PollInterval"] = "00:00:01",
            ["Hub__Jobs__ProgressSaveInterval"] = "00:00:00.2",
            ["Hub__Mcp__AllowedOrigins__0"] = "https://allowed.example",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (k, v) in ExtraEnv) Env[k] = v;
        AdminToken = await CreateTokenAsync("mcp-admin", "admin");
        UserToken = await CreateTokenAsync("mcp-user", "user");
        var port = HubProcess.FreePort();
        BaseUri = new Uri($"http://127.0.0.1:{port}");
        _serve = HubProcess.Start(["serve", $"--urls={BaseUri}"], Env);
        using var http = new HttpClient();
        for (var i = 0; ; i++)
        {
            try
            {
                if ((await http.GetAsync(new Uri(BaseUri, "/health/live"))).IsSuccessStatusCode) break;
            }
            catch (HttpRequestException) when (i < 1200 && !_serve.HasExited) // up to 2 minutes: a loaded machine starts slowly
            {
            }
            await Task.Delay(100);
        }
    }

    /// <summary>More environment for <c>hub serve</c> (Hub__Mcp__... keys) in a fixture that needs other settings.</summary>
    protected virtual IDictionary<string, string?> ExtraEnv => new Dictionary<string, string?>();

    public async Task<Uri> ServeVideoAsync(string name)
    {
        Site.MapFile(name, await TestMedia.VariantAsync(await TestMedia.VideoAsync(), name + "-" + _tag), "video/mp4");
        return Site.Url(name);
    }

    private async Task<string> CreateTokenAsync(string name, string role)
    {
        var (code, stdout, stderr) = await HubProcess.RunAsync(["token", "create", "--name", name, "--role", role], Env);
        Assert.True(code == 0, stdout + stderr);
        return stdout.Trim().Split('\n')[^1].Trim();
    }

    public string ServeLog => _serve.Stdout + _serve.Stderr;

    public async Task DisposeAsync()
    {
        await _serve.DisposeAsync();
        await Site.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
