using System.Security.Cryptography;
using System.Text;
using Hub.Domain;
using Hub.Domain.Net;
using Hub.Domain.Processes;
using Hub.Domain.Tools;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Hub.Testing;

/// <summary>
/// A yt-dlp release server on 127.0.0.1: each published "release" is a small shell script (prints its version; for
/// anything else it hands over to the system yt-dlp, or fails when it is meant to fail the canary), a SHA2-256SUMS file
/// and its detached signature by an OpenPGP key generated for this test run with gpg. Also serves the canary page.
/// </summary>
public sealed class FakeYtDlpRelease : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hub-ytdlp-release-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    public LoopbackServer Server { get; private set; } = null!;
    public string TrustedKeyFile => Path.Combine(_root, "trusted.asc");
    private string TrustedHome => Path.Combine(_root, "gnupg-trusted");
    private string OtherHome => Path.Combine(_root, "gnupg-other");

    public EgressProxy Proxy { get; } = new(new UrlGuard(new NetworkOptions { AllowPrivateNetworks = true }, new SystemHostResolver()),
        NullLogger<EgressProxy>.Instance);

    public Uri CanaryUrl => Server.Url("canary.mp4");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        await NewKeyAsync(TrustedHome, "Hub test release key <trusted@hub.test>");
        await NewKeyAsync(OtherHome, "Someone else <other@hub.test>");
        var exported = await GpgAsync(TrustedHome, "--armor", "--export");
        await File.WriteAllTextAsync(TrustedKeyFile, exported);
        Server = await LoopbackServer.StartAsync();
        Server.MapFile("canary.mp4", await TestMedia.VideoAsync(), "video/mp4");
    }

    /// <summary>The script a release carries: its version, then either the real (old) yt-dlp or a failure for everything else.</summary>
    public static byte[] Script(string version, bool passesCanary = true) => Encoding.ASCII.GetBytes($$"""
        #!/bin/sh
        if [ "$1" = "--version" ]; then echo {{version}}; exit 0; fi
        # Hub gives a build as new as this one a JavaScript runtime; the system yt-dlp standing in for it predates the option.
        if [ "$1" = "--js-runtimes" ]; then shift 2; fi
        {{(passesCanary ? "exec /usr/bin/yt-dlp \"$@\"" : "echo 'ERROR: [generic] Unable to extract anything' >&2; exit 1")}}

        """.Replace("\r", ""));

    /// <summary>Publishes a release under rel/FOLDER/ ("latest" for the stable channel, or a version for a pinned one).</summary>
    public async Task PublishAsync(string folder, byte[] asset, string assetName = "yt-dlp", bool signWithOtherKey = false,
        byte[]? servedAsset = null, Func<string, string>? tamperSums = null)
    {
        var sums = $"{Convert.ToHexStringLower(SHA256.HashData(asset))}  {assetName}\n{new string('0', 64)}  yt-dlp_linux\n";
        var dir = Path.Combine(_root, "rel", folder);
        Directory.CreateDirectory(dir);
        var sumsPath = Path.Combine(dir, "SHA2-256SUMS");
        await File.WriteAllTextAsync(sumsPath, sums);
        await GpgAsync(signWithOtherKey ? OtherHome : TrustedHome, "--yes", "--detach-sign", "-o", sumsPath + ".sig", sumsPath);
        Serve($"rel/{folder}/SHA2-256SUMS", Encoding.ASCII.GetBytes(tamperSums?.Invoke(sums) ?? sums));
        Serve($"rel/{folder}/SHA2-256SUMS.sig", await File.ReadAllBytesAsync(sumsPath + ".sig"));
        Serve($"rel/{folder}/{assetName}", servedAsset ?? asset);
    }

    private void Serve(string path, byte[] body)
    {
        lock (_files) _files[path] = body;
        Server.Map(path, async ctx =>
        {
            byte[] bytes;
            lock (_files) bytes = _files[path];
            ctx.Response.ContentType = "application/octet-stream";
            await ctx.Response.Body.WriteAsync(bytes);
        });
    }

    public ToolUpdateOptions UpdateOptions(string? canary = "default") => new()
    {
        ReleaseUrl = Server.Url("rel/{version}/").AbsoluteUri,
        SigningKeyFile = TrustedKeyFile,
        CanaryUrl = canary == "default" ? CanaryUrl.AbsoluteUri : canary,
    };

    /// <summary>An updater on a fresh data folder, wired as Hub wires it.</summary>
    public (YtDlpUpdater Updater, ToolVersions Versions, HubOptions Hub, YtDlpStatusReader Status) NewUpdater(ToolUpdateOptions? options = null, string? dataDir = null)
    {
        var hub = new HubOptions { DataDir = dataDir ?? Path.Combine(_root, "data-" + Guid.NewGuid().ToString("N")[..8]) };
        var runner = TestPostgres.Runner;
        var versions = new ToolVersions(runner, Microsoft.Extensions.Options.Options.Create(hub), TimeProvider.System);
        var update = Microsoft.Extensions.Options.Options.Create(options ?? UpdateOptions());
        var updater = new YtDlpUpdater(runner, new ReleaseSignature(runner), Proxy, versions, Microsoft.Extensions.Options.Options.Create(hub),
            update, TimeProvider.System, NullLogger<YtDlpUpdater>.Instance);
        return (updater, versions, hub, new YtDlpStatusReader(versions, Microsoft.Extensions.Options.Options.Create(hub), update, TimeProvider.System));
    }

    private async Task NewKeyAsync(string home, string userId)
    {
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await GpgAsync(home, "--passphrase", "", "--quick-gen-key", userId, "ed25519", "sign", "never");
    }

    private static async Task<string> GpgAsync(string home, params string[] args)
    {
        var result = await TestPostgres.Runner.RunAsync(new ProcessSpec("gpg", ["--homedir", home, "--batch", "--pinentry-mode", "loopback", .. args])
            { Timeout = TimeSpan.FromSeconds(60) }, CancellationToken.None);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"gpg {string.Join(' ', args)} failed: {result.Stderr}");
        }
        return result.Stdout;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Proxy.Dispose();
        foreach (var home in new[] { TrustedHome, OtherHome })
        {
            // gpg started an agent for each home folder; it would outlive the tests.
            await TestPostgres.Runner.RunAsync(new ProcessSpec("gpgconf", ["--homedir", home, "--kill", "gpg-agent"]), CancellationToken.None);
        }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
