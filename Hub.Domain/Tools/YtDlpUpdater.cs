using System.Security.Cryptography;
using Hub.Domain.Net;
using Hub.Domain.Processes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Tools;

public sealed record ToolUpdateResult(bool Changed, string Version, string? PreviousVersion, string Channel, string Sha256, string Signer,
    string Canary, string Path, string Message);

/// <summary>
/// Installs yt-dlp releases into Hub's tools folder: fetch the asset, SHA2-256SUMS and its signature; check the signature
/// with the pinned key, then the asset against the signed sum; run it once; swap it in; run the canary and go back by
/// itself when the new build fails it. Every refusal leaves the current build in place.
/// </summary>
public sealed class YtDlpUpdater(
    ProcessRunner runner,
    ReleaseSignature signature,
    EgressProxy proxy,
    ToolVersions versions,
    IOptions<HubOptions> hubOptions,
    IOptions<ToolUpdateOptions> updateOptions,
    TimeProvider time,
    ILogger<YtDlpUpdater> logger) : IDisposable
{
    public const long MaxAssetBytes = 300L * 1024 * 1024;
    private readonly SemaphoreSlim _gate = new(1, 1);
    // The release URL is the operator's (GitHub, a mirror), not a user's: it does not go through the import guard.
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = true, MaxAutomaticRedirections = 10 })
    {
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { { "User-Agent", "Hub yt-dlp updater" } },
    };

    public ManagedYtDlp Managed => new(hubOptions.Value.FullDataDir);
    private ToolUpdateOptions Settings => updateOptions.Value;

    public async Task<ToolUpdateResult> UpdateAsync(string? channel, CancellationToken cancellationToken)
    {
        channel = string.IsNullOrWhiteSpace(channel) ? Settings.Channel : channel.Trim();
        if (!ToolUpdateOptions.IsValidChannel(channel))
        {
            throw new HubValidationException("channel", $"'{channel}' is not stable, nightly or a release like 2025.12.08.");
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var managed = Managed;
            using var fileLock = Lock(managed);
            var folder = Settings.ReleaseFolder(channel);
            var staging = Path.Combine(managed.ReleasesDir, ".staging-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(staging);
            try
            {
                var sums = await FetchAsync(folder, "SHA2-256SUMS", staging, 1024 * 1024, cancellationToken).ConfigureAwait(false);
                var sig = await FetchAsync(folder, "SHA2-256SUMS.sig", staging, 64 * 1024, cancellationToken).ConfigureAwait(false);
                var signer = await signature.VerifyAsync(await SigningKeyAsync(cancellationToken).ConfigureAwait(false), sums, sig, cancellationToken).ConfigureAwait(false);

                var asset = Settings.Asset;
                if (!Sha256Sums.Parse(await File.ReadAllTextAsync(sums, cancellationToken).ConfigureAwait(false)).TryGetValue(asset, out var expected))
                {
                    throw new ToolUpdateException("checksum", $"The signed SHA2-256SUMS has no line for '{asset}'. Nothing was installed.");
                }
                var file = await FetchAsync(folder, asset, staging, MaxAssetBytes, cancellationToken).ConfigureAwait(false);
                var actual = await Sha256Async(file, cancellationToken).ConfigureAwait(false);
                if (!CryptographicOperations.FixedTimeEquals(Convert.FromHexString(actual), Convert.FromHexString(expected)))
                {
                    throw new ToolUpdateException("checksum", $"'{asset}' does not match its signed SHA-256 (expected {expected}, got {actual}). Nothing was installed.");
                }
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
                var version = await VersionOfAsync(file, cancellationToken).ConfigureAwait(false);

                var current = managed.IsInstalled ? managed.Current : null;
                if (current is not null && current.Sha256 == actual)
                {
                    return new ToolUpdateResult(false, current.Version, managed.Previous?.Version, channel, actual, signer, "not run",
                        managed.CurrentCommand, $"yt-dlp {current.Version} is already installed ({channel}).");
                }
                var build = managed.Keep(file, new InstalledRelease(version, channel, asset, actual, signer, new Uri(folder, asset), time.GetUtcNow()));
                managed.Activate(build);
                versions.Invalidate();
                logger.LogInformation("yt-dlp {Version} ({Channel}, signed by {Signer}) is now current; previous: {Previous}", version, channel, signer, current?.Version ?? "none");

                // Not cancellable (it has its own timeout): a caller that goes away must not leave an unproven build in place.
                var canary = await CanaryAsync(managed, CancellationToken.None).ConfigureAwait(false);
                if (canary is not null)
                {
                    managed.Retract(build);
                    versions.Invalidate();
                    logger.LogWarning("yt-dlp {Version} failed the canary and was rolled back: {Error}", version, canary);
                    throw new ToolUpdateException("canary", $"yt-dlp {version} failed the canary probe of {Settings.CanaryUrl} and was rolled back " +
                        $"to {(current is null ? "the system yt-dlp" : current.Version)}: {canary}");
                }
                managed.Prune();
                var canaryText = string.IsNullOrWhiteSpace(Settings.CanaryUrl) ? "skipped" : "passed";
                return new ToolUpdateResult(true, version, current?.Version, channel, actual, signer, canaryText, managed.CurrentCommand,
                    $"yt-dlp {version} installed ({channel}, checksum and signature verified, canary {canaryText}); previous: {current?.Version ?? "none"}.");
            }
            finally
            {
                try { Directory.Delete(staging, recursive: true); } catch (DirectoryNotFoundException) { }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Goes back to the previous build (which then becomes the one to go forward to).</summary>
    public async Task<ToolUpdateResult> RollbackAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var managed = Managed;
            using var fileLock = Lock(managed);
            var from = managed.Current;
            if (!managed.SwapBack())
            {
                throw new ToolUpdateException("rollback", "There is no previous yt-dlp build to go back to.");
            }
            versions.Invalidate();
            var now = managed.Current!;
            logger.LogInformation("yt-dlp rolled back from {From} to {To}", from?.Version, now.Version);
            return new ToolUpdateResult(true, now.Version, from?.Version, now.Channel, now.Sha256, now.Signer, "not run", managed.CurrentCommand,
                $"yt-dlp rolled back from {from?.Version ?? "?"} to {now.Version}.");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Null when the build in place reads the canary page; otherwise why not.</summary>
    private async Task<string?> CanaryAsync(ManagedYtDlp managed, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Settings.CanaryUrl))
        {
            return null;
        }
        var release = managed.Current;
        var (extra, _) = ManagedYtDlp.JsRuntimeArguments(release?.Version, hubOptions.Value.YtDlp.JsRuntime);
        try
        {
            var result = await runner.RunAsync(new ProcessSpec(managed.CurrentCommand,
                [.. extra, "--ignore-config", "--no-playlist", "--skip-download", "-J", "--", Settings.CanaryUrl])
            {
                Timeout = Settings.CanaryTimeout,
                Environment = proxy.ToolEnvironment,
            }, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded && result.Stdout.TrimStart().StartsWith('{'))
            {
                return null;
            }
            var error = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim();
            return $"exit code {result.ExitCode}{(error is null ? "" : ": " + error)}";
        }
        catch (ProcessTimeoutException ex)
        {
            return ex.Message;
        }
    }

    private async Task<string> VersionOfAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            var result = await runner.RunAsync(new ProcessSpec(file, ["--version"]) { Timeout = TimeSpan.FromSeconds(60) }, cancellationToken).ConfigureAwait(false);
            var version = ToolVersions.ParseVersion(result.Stdout);
            if (result.Succeeded && YtDlpVersion.TryParseDate(version, out _))
            {
                return version;
            }
            throw new ToolUpdateException("run", $"The downloaded yt-dlp does not run here (exit code {result.ExitCode}: {result.Stderr.Trim()}). Nothing was installed.");
        }
        catch (ProcessTimeoutException ex)
        {
            throw new ToolUpdateException("run", $"The downloaded yt-dlp does not answer --version: {ex.Message}. Nothing was installed.");
        }
    }

    private async Task<byte[]> SigningKeyAsync(CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(Settings.SigningKeyFile)
            ? System.Text.Encoding.ASCII.GetBytes(YtDlpSigningKey.Armored)
            : await File.ReadAllBytesAsync(Settings.SigningKeyFile, cancellationToken).ConfigureAwait(false);

    private async Task<string> FetchAsync(Uri folder, string name, string dir, long maxBytes, CancellationToken cancellationToken)
    {
        var url = new Uri(folder, Uri.EscapeDataString(name));
        var path = Path.Combine(dir, name);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Settings.DownloadTimeout);
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new ToolUpdateException("fetch", $"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}. Nothing was installed.");
            }
            if (response.Content.Headers.ContentLength > maxBytes)
            {
                throw new ToolUpdateException("fetch", $"{url} is larger than {maxBytes} bytes. Nothing was installed.");
            }
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using var file = File.Create(path);
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, timeout.Token).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw new ToolUpdateException("fetch", $"{url} is larger than {maxBytes} bytes. Nothing was installed.");
                }
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
            return path;
        }
        catch (HttpRequestException ex)
        {
            throw new ToolUpdateException("fetch", $"Could not fetch {url}: {ex.Message}. Nothing was installed.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ToolUpdateException("fetch", $"Fetching {url} took longer than {Settings.DownloadTimeout}. Nothing was installed.");
        }
    }

    private static async Task<string> Sha256Async(string file, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>One updater at a time across processes (the server and `hub tools update`): an exclusive lock file.</summary>
    private static FileStream Lock(ManagedYtDlp managed)
    {
        Directory.CreateDirectory(managed.ReleasesDir);
        try
        {
            return new FileStream(Path.Combine(managed.Root, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new HubConflictException("tool-update-busy", "Another yt-dlp update is running; try again when it has finished.");
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }
}
