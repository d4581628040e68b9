using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Testing;
using Microsoft.Playwright;

namespace Hub.Extension.Tests;

/// <summary>
/// One real <c>hub serve</c> on loopback, two loopback sites (one Hub may reach, one its network guard refuses), and
/// Debian's Chromium with the extension loaded, headless. Playwright cannot grant permission prompts, press the toolbar
/// or drive Chrome's own menus, so the extension is a test build whose manifest adds the loopback origin to
/// host_permissions (<see cref="ManifestTests"/> checks the shipped one), the popup is opened as a page told which tab
/// it serves, and the worker's handlers are called over the DevTools protocol.
/// </summary>
public partial class BrowserFixture : IAsyncLifetime
{
    public const string ExtensionId = "ljpnhkdpcoeldfnlcdpehgbbhnkjbglb"; // pinned by the manifest's key
    public const string PageTitle = "Loopback Test Clip";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "hub-ext-" + Guid.NewGuid().ToString("N")[..10]);
    private int _debugPort;
    private IPlaywright? _playwright;

    public HubProcess Hub { get; private set; } = null!;
    public string HubUrl { get; private set; } = "";
    public HttpClient Admin { get; private set; } = null!;
    public LoopbackServer Site { get; private set; } = null!;
    public LoopbackServer Guarded { get; private set; } = null!;
    public IBrowserContext Browser { get; private set; } = null!;

    /// <summary>Screenshots of the popup and options pages land here (the test output directory).</summary>
    public static string ScreenshotDir => Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>More environment for <c>hub serve</c> (a fixture adding a peer, such as the Telegram emulator).</summary>
    protected virtual Task<IDictionary<string, string?>> ExtraEnvironmentAsync() => Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?>());

    public virtual async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var clip = await TestMedia.VideoAsync();
        Site = await LoopbackServer.StartAsync();
        Site.MapText("page.html", Page(PageTitle, "clip.mp4", "other.mp4"));
        Site.MapFile("clip.mp4", clip, "video/mp4");
        foreach (var name in new[] { "other.mp4", "menu.mp4", "shortcut.mp4" })
        {
            Site.MapFile(name, await TestMedia.VariantAsync(clip, "ext-" + name), "video/mp4");
        }
        Guarded = await LoopbackServer.StartAsync();
        Guarded.MapText("page.html", Page("Behind the guard", "clip.mp4", null));
        Guarded.MapFile("clip.mp4", clip, "video/mp4");

        HubUrl = $"http://127.0.0.1:{HubProcess.FreePort()}";
        var extra = await ExtraEnvironmentAsync();
        Hub = HubProcess.Start(["serve", $"--urls={HubUrl}"], new Dictionary<string, string?>(extra)
        {
            ["ConnectionStrings__Hub"] = await TestPostgres.CreateDatabaseAsync("extension"),
            ["Hub__DataDir"] = Path.Combine(_root, "data"),
            ["Hub__Network__AllowPrivateNetworks"] = "true",
            // The guard stays on for this one loopback site: Deny wins over AllowPrivateNetworks.
            ["Hub__Network__Deny__0"] = $"127.0.0.1/32:{Guarded.BaseUri.Port}",
        });
        Admin = Client(await Hub.WaitForAdminTokenAsync(TimeSpan.FromSeconds(120)));

        var extension = MakeTestBuild();
        _debugPort = HubProcess.FreePort();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchPersistentContextAsync(Path.Combine(_root, "profile"), new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            ViewportSize = new() { Width = 420, Height = 640 },
            Args =
            [
                "--disable-extensions-except=" + extension, "--load-extension=" + extension, "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--remote-debugging-address=127.0.0.1", $"--remote-debugging-port={_debugPort}",
            ],
        });
        Directory.CreateDirectory(ScreenshotDir);
    }

    private static string Page(string title, string video, string? link) => $"""
        <!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
        <meta property="og:title" content="{title}"></head>
        <body><h1>{title}</h1><video src="{video}" controls width="320"></video>
        {(link is null ? "" : $"<p><a href=\"{link}\">another clip</a></p>")}</body></html>
        """;

    /// <summary>The shipped extension plus host access to loopback, which a person would grant at the prompt.</summary>
    private string MakeTestBuild()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "extension");
        var target = Path.Combine(_root, "extension");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(target, "manifest.json")))!.AsObject();
        manifest["host_permissions"] = new JsonArray("http://127.0.0.1/*");
        File.WriteAllText(Path.Combine(target, "manifest.json"), manifest.ToJsonString());
        return target;
    }

    public HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(HubUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<(string Secret, Guid Id)> CreateTokenAsync(string role)
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/tokens", new { name = role + "-" + Guid.NewGuid().ToString("N")[..6], role });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("secret").GetString()!, body.GetProperty("token").GetProperty("id").GetGuid());
    }

    public async Task<IPage> OpenExtensionPageAsync(string path)
    {
        var page = await Browser.NewPageAsync();
        await page.GotoAsync($"chrome-extension://{ExtensionId}/{path}");
        return page;
    }

    /// <summary>Opens <paramref name="url"/> in a tab and returns the tab's id, as the popup needs it.</summary>
    public async Task<(IPage Page, int TabId)> OpenTabAsync(string url)
    {
        var page = await Browser.NewPageAsync();
        await page.GotoAsync(url);
        var probe = await OpenExtensionPageAsync("options/options.html");
        var id = await probe.EvaluateAsync<int>("async (u) => (await chrome.tabs.query({})).find(t => t.url === u).id", url);
        await probe.CloseAsync();
        return (page, id);
    }

    /// <summary>Writes extension storage as the options page would (connection, defaults), from an extension page.</summary>
    public async Task SetStorageAsync(object values)
    {
        // From an extension page that runs no script of ours: the options page connects on load and writes the
        // connection it read back after a moment, which could undo this change.
        var page = await OpenExtensionPageAsync("icons/16.png");
        await page.EvaluateAsync("async (json) => { await chrome.storage.local.clear(); await chrome.storage.local.set(JSON.parse(json)); }",
            JsonSerializer.Serialize(values, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        await page.CloseAsync();
    }

    public async Task<object> ConnectionAsync(string token)
    {
        var me = await Client(token).GetFromJsonAsync<JsonElement>("/api/v1/me");
        var info = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/info");
        return new { address = HubUrl, token, me, server = info };
    }

    /// <summary>
    /// Evaluates JavaScript in the extension's service worker (awaiting a promise) over the DevTools protocol: how the
    /// tests reach the context-menu and shortcut handlers, the badge and notifications.
    /// </summary>
    public async Task<JsonElement> InWorkerAsync(string expression)
    {
        // Wake the worker if Chrome stopped it: a message from an extension page starts it.
        var waker = await OpenExtensionPageAsync("options/options.html");
        await waker.EvaluateAsync("() => chrome.runtime.sendMessage({ type: 'refresh' })");
        await waker.CloseAsync();
        using var http = new HttpClient();
        var targets = await http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{_debugPort}/json/list");
        var worker = targets.EnumerateArray().First(t => t.GetProperty("type").GetString() == "service_worker"
            && t.GetProperty("url").GetString()!.StartsWith($"chrome-extension://{ExtensionId}/", StringComparison.Ordinal));
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri(worker.GetProperty("webSocketDebuggerUrl").GetString()!), CancellationToken.None);
        var request = JsonSerializer.Serialize(new
        {
            id = 1, method = "Runtime.evaluate",
            @params = new { expression = $"(async () => {{ return {expression}; }})()", awaitPromise = true, returnByValue = true },
        });
        await ws.SendAsync(Encoding.UTF8.GetBytes(request), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1 << 20];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult part;
            do
            {
                part = await ws.ReceiveAsync(buffer, CancellationToken.None);
                message.Write(buffer, 0, part.Count);
            } while (!part.EndOfMessage);
            var reply = JsonDocument.Parse(message.ToArray()).RootElement;
            if (reply.TryGetProperty("id", out var id) && id.GetInt32() == 1)
            {
                var result = reply.GetProperty("result");
                if (result.TryGetProperty("exceptionDetails", out var ex))
                {
                    throw new InvalidOperationException("worker threw: " + ex);
                }
                var value = result.GetProperty("result");
                return value.TryGetProperty("value", out var v) ? v.Clone() : default;
            }
        }
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Hub is not null)
        {
            Hub.Terminate();
            try { await Hub.WaitForExitAsync(TimeSpan.FromSeconds(30)); } catch (TimeoutException) { Hub.Kill(); }
            await Hub.DisposeAsync();
        }
        if (Site is not null) await Site.DisposeAsync();
        if (Guarded is not null) await Guarded.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
