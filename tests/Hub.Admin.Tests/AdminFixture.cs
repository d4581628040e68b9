using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;

namespace Hub.Admin.Tests;

/// <summary>
/// One real <c>hub serve</c> on loopback with a video and an audio entry already imported, a loopback site to import
/// from (one file served slowly, so a page can watch its progress), and Debian's Chromium, headless.
/// </summary>
public sealed partial class AdminFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hub-admin-" + Guid.NewGuid().ToString("N")[..10]);
    private IPlaywright? _playwright;
    private Dictionary<string, string?> _env = [];

    public HubProcess Hub { get; private set; } = null!;
    public string HubUrl { get; private set; } = "";
    public string AdminToken { get; private set; } = "";
    public HttpClient Admin { get; private set; } = null!;
    public LoopbackServer Site { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public Guid VideoEntry { get; private set; }
    public Guid AudioEntry { get; private set; }
    public Guid FinishedJob { get; private set; }
    public Guid Playlist { get; private set; }

    /// <summary>Screenshots of every page, both widths and both themes (the test output directory).</summary>
    public static string ScreenshotDir => Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(ScreenshotDir);
        var clip = await TestMedia.VideoAsync();
        Site = await LoopbackServer.StartAsync();
        Site.MapFile("clip.mp4", clip, "video/mp4");
        Site.MapFile("tone.m4a", await TestMedia.AudioAsync(), "audio/mp4");
        foreach (var name in new[] { "review.mp4", "page-import.mp4", "restart.mp4" })
        {
            Site.MapFile(name, await TestMedia.VariantAsync(clip, "admin-" + name), "video/mp4");
        }
        var slow = await TestMedia.BigVideoAsync();
        Site.Map("slow.mp4", context => Slowly(context, slow));

        Site.MapFile("found.mp4", await TestMedia.VariantAsync(clip, "admin-found"), "video/mp4");
        var fakeYtDlp = WriteFakeYtDlp();

        HubUrl = $"http://127.0.0.1:{HubProcess.FreePort()}";
        _env = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Hub"] = await TestPostgres.CreateDatabaseAsync("admin"),
            ["Hub__DataDir"] = Path.Combine(_root, "data"),
            ["Hub__Network__AllowPrivateNetworks"] = "true",
            ["Hub__Tools__YtDlp"] = fakeYtDlp,
            // Small chunks, so a test file of a few MB goes up in several resumable requests.
            ["Hub__Uploads__ChunkBytes"] = (256 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        await StartHubAsync();
        AdminToken = await Hub.WaitForAdminTokenAsync(TimeSpan.FromSeconds(30));
        Admin = Client(AdminToken);

        FinishedJob = (await ImportAndWaitAsync("clip.mp4")).GetProperty("id").GetGuid();
        VideoEntry = (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{FinishedJob}")).GetProperty("entryId").GetGuid();
        AudioEntry = (await ImportAndWaitAsync("tone.m4a")).GetProperty("entryId").GetGuid();
        var playlist = await (await Admin.PostAsJsonAsync("/api/v1/playlists", new { name = "Both clips", kind = "static" })).Content.ReadFromJsonAsync<JsonElement>();
        Playlist = playlist.GetProperty("id").GetGuid();
        foreach (var entry in new[] { VideoEntry, AudioEntry })
        {
            (await Admin.PostAsJsonAsync($"/api/v1/playlists/{Playlist}/items", new { entryId = entry })).EnsureSuccessStatusCode();
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--autoplay-policy=no-user-gesture-required"],
        });
    }

    /// <summary>Starts (or restarts, on the same address and database) <c>hub serve</c>.</summary>
    public async Task StartHubAsync()
    {
        Hub = HubProcess.Start(["serve", $"--urls={HubUrl}"], _env);
        // The first start prints the admin token, later ones "Hub is ready".
        await Hub.WaitForOutputAsync(AdminToken.Length == 0 ? "Admin token" : "Hub is ready", TimeSpan.FromSeconds(120));
    }

    public async Task StopHubAsync()
    {
        Hub.Terminate();
        try { await Hub.WaitForExitAsync(TimeSpan.FromSeconds(30)); } catch (TimeoutException) { Hub.Kill(); }
        await Hub.DisposeAsync();
    }

    /// <summary>
    /// No site is reachable here, so searches go to a yt-dlp that answers ytsearch/scsearch with one result on the
    /// loopback site; everything else goes to the real yt-dlp.
    /// </summary>
    private string WriteFakeYtDlp()
    {
        var path = Path.Combine(_root, "yt-dlp");
        var result = JsonSerializer.Serialize(new
        {
            _type = "playlist",
            entries = new[] { new { id = "found1", title = "Found On The Loopback Site", webpage_url = Site.Url("found.mp4").ToString(), duration = 5, uploader = "Tester" } },
        });
        File.WriteAllText(path, $$"""
            #!/bin/sh
            for a in "$@"; do
              case "$a" in ytsearch*|scsearch*) printf '%s\n' '{{result}}'; exit 0;; esac
            done
            exec /usr/bin/yt-dlp "$@"
            """.ReplaceLineEndings("\n"));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>The big clip at about 600 KB/s: a few seconds of real progress with speed and ETA.</summary>
    private static async Task Slowly(HttpContext context, string path)
    {
        var bytes = await File.ReadAllBytesAsync(path);
        context.Response.ContentType = "video/mp4";
        context.Response.ContentLength = bytes.Length;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }
        for (var at = 0; at < bytes.Length; at += 64 * 1024)
        {
            await context.Response.Body.WriteAsync(bytes.AsMemory(at, Math.Min(64 * 1024, bytes.Length - at)), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(100, context.RequestAborted);
        }
    }

    public HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(HubUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<JsonElement> ImportAsync(string file, string mode = "auto")
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/imports", new { url = Site.Url(file).ToString(), mode, door = "api" });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> ImportAndWaitAsync(string file) =>
        await WaitForJobAsync((await ImportAsync(file)).GetProperty("id").GetGuid(), "completed");

    public async Task<JsonElement> WaitForJobAsync(Guid id, params string[] states)
    {
        var until = DateTime.UtcNow.AddSeconds(90);
        JsonElement job = default;
        while (DateTime.UtcNow < until)
        {
            job = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{id}");
            if (states.Contains(job.GetProperty("state").GetString()))
            {
                return job;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"job {id} did not reach {string.Join("/", states)}: {job}");
    }

    /// <summary>A page already signed in (the token in sessionStorage, as "only until I close the browser" keeps it).</summary>
    public async Task<IPage> SignedInPageAsync(int width, int height, string theme = "light", string? token = null)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, BaseURL = HubUrl });
        await context.AddInitScriptAsync($$"""
            if (!sessionStorage.getItem('test.init')) {
              sessionStorage.setItem('test.init', '1');
              sessionStorage.setItem('hub.token', {{JsonSerializer.Serialize(token ?? AdminToken)}});
              localStorage.setItem('hub.theme', {{JsonSerializer.Serialize(theme)}});
            }
            """);
        return await context.NewPageAsync();
    }

    public async Task<IPage> NewPageAsync(int width = 1366, int height = 768)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, BaseURL = HubUrl });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Hub is not null) await StopHubAsync();
        if (Site is not null) await Site.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

}

[CollectionDefinition(Name)]
public sealed class AdminCollection : ICollectionFixture<AdminFixture>
{
    public const string Name = "admin";
}
