using System.Diagnostics;
using System.Net.Http.Headers;
using Hub.Chaos.Tests.Support;
using Hub.Domain.Engines.Http;
using Hub.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Chaos.Tests;

/// <summary>
/// The temp disk fills up in the middle of a download: through the engine's part-file seam (ENOSPC after 1 MB),
/// and on a real 8 MB tmpfs as Hub's temp folder (root only). The job fails with <c>disk-full</c> after its retries,
/// no entry is written, nothing is left in the library, and the job's temp folder is gone.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class DiskFullTests(ITestOutputHelper output) : IAsyncLifetime
{
    private MediaSite _site = null!;

    public async Task InitializeAsync() => _site = await MediaSite.StartAsync();

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task PartFileHitsEnospc_JobFailsDiskFull_NothingPlaced()
    {
        var started = Stopwatch.StartNew();
        var app = new FullDiskApp();
        await ((IAsyncLifetime)app).InitializeAsync();
        try
        {
            var log = new StatusLog(inProcess: true);
            var api = app.CreateDefaultClient(new Uri("http://localhost/"), log);
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await app.CreateTokenAsync("admin"));
            var url = await _site.AddAsync("disk-full.mp4", 4_000_000);
            var jobId = await ServeProcess.ImportAsync(api, url);
            var end = await JobApi.WaitForEndAsync(api, jobId, TimeSpan.FromSeconds(120));

            var figures = new Figures("temp disk full (ENOSPC seam at 1 MB)")
            {
                Jobs = 1, Faults = FullDiskApp.Refusals, BytesServed = _site.BytesServed, BytesNeeded = 0,
                Statuses = log.Summary(), Outcome = $"{end.State} ({end.ErrorKind})", Elapsed = started.Elapsed,
            };
            ChaosReport.Add(figures, output);
            await AssertFailedCleanlyAsync(end, new Invariants(app.ConnectionString, app.DataDir), url, Path.Combine(app.DataDir, "tmp"));
            log.AssertNoServerErrors();
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    [RootFact]
    public async Task RealTmpfsFillsUp_JobFailsDiskFull_NothingPlaced()
    {
        var started = Stopwatch.StartNew();
        var dataDir = Path.Combine(Path.GetTempPath(), "hub-chaos-tmpfs-" + Guid.NewGuid().ToString("N")[..10]);
        var tempDir = Path.Combine(dataDir, "small-tmp");
        Directory.CreateDirectory(tempDir);
        var connectionString = await TestPostgres.CreateDatabaseAsync("chaostmpfs");
        var mount = await TestPostgres.Runner.RunAsync(new Hub.Domain.Processes.ProcessSpec("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", tempDir])
            { Timeout = TimeSpan.FromSeconds(30) }, CancellationToken.None);
        Assert.True(mount.Succeeded, "mount -t tmpfs failed: " + mount.Stderr);
        try
        {
            var url = await _site.AddAsync("tmpfs-full.mp4", 12_000_000);
            var port = HubProcess.FreePort();
            var log = new StatusLog();
            await using (var serve = await ServeProcess.StartAsync(port, ServeProcess.Env(connectionString, dataDir, new Dictionary<string, string?>
            {
                ["Hub__TempDir"] = tempDir,
                ["Hub__Jobs__MaxAttempts"] = "2",
            })))
            {
                var api = log.Client(new Uri($"http://127.0.0.1:{port}"), await ServeProcess.FirstTokenAsync(serve));
                var jobId = await ServeProcess.ImportAsync(api, url);
                var end = await JobApi.WaitForEndAsync(api, jobId, TimeSpan.FromSeconds(120));
                var figures = new Figures("temp disk full (real 8 MB tmpfs)")
                {
                    Jobs = 1, Faults = 2, BytesServed = _site.BytesServed, BytesNeeded = 0,
                    Statuses = log.Summary(), Outcome = $"{end.State} ({end.ErrorKind})", Elapsed = started.Elapsed,
                };
                ChaosReport.Add(figures, output);
                await AssertFailedCleanlyAsync(end, new Invariants(connectionString, dataDir), url, tempDir);
                log.AssertNoServerErrors();
            }
        }
        finally
        {
            await TestPostgres.Runner.RunAsync(new Hub.Domain.Processes.ProcessSpec("umount", ["-l", tempDir]) { Timeout = TimeSpan.FromSeconds(30) }, CancellationToken.None);
            await TestPostgres.DropDatabaseAsync(connectionString);
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task AssertFailedCleanlyAsync((string? State, string? ErrorKind, string? Error) end, Invariants invariants, string url, string tempDir)
    {
        Assert.True(end is { State: "failed", ErrorKind: "disk-full" }, $"{end.State} ({end.ErrorKind}): {end.Error}");
        Assert.Contains("full", end.Error, StringComparison.OrdinalIgnoreCase);
        await invariants.AssertAllAsync([url], "failed");
        var jobsDir = Path.Combine(tempDir, "jobs");
        Assert.True(!Directory.Exists(jobsDir) || Directory.GetFileSystemEntries(jobsDir).Length == 0,
            "temp files left behind: " + (Directory.Exists(jobsDir) ? string.Join(", ", Directory.GetFileSystemEntries(jobsDir, "*", SearchOption.AllDirectories)) : ""));
    }

    /// <summary>The in-process app whose part files refuse to grow past 1 MB, as a full disk does.</summary>
    private sealed class FullDiskApp : HubAppFactory
    {
        private const long Capacity = 1_000_000;
        private static int _refusals;

        public static int Refusals => _refusals;

        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Hub:Network:AllowPrivateNetworks"] = "true",
            ["Hub:Jobs:MaxAttempts"] = "2",
            ["Hub:Jobs:RetryBaseDelay"] = "00:00:01",
            ["Hub:Jobs:PollInterval"] = "00:00:01",
        };

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<PartFileOpener>((path, options) => new FullDiskStream(path, options)));
        }

        private sealed class FullDiskStream(string path, FileStreamOptions options) : FileStream(path, options)
        {
            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            {
                if (Length + buffer.Length > Capacity)
                {
                    Interlocked.Increment(ref _refusals);
                    throw new IOException("No space left on device : '" + Name + "'", 28); // what .NET raises for ENOSPC on Linux
                }
                return base.WriteAsync(buffer, cancellationToken);
            }
        }
    }
}

/// <summary>A fact that needs root with CAP_SYS_ADMIN (to mount a tmpfs); skipped, saying so, otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!CanMount())
        {
            Skip = "needs root with CAP_SYS_ADMIN to mount a small tmpfs as Hub's temp folder; the ENOSPC seam test covers the rest";
        }
    }

    private static bool CanMount()
    {
        try
        {
            var capEff = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
            return Environment.UserName == "root" && capEff is not null
                && (ulong.Parse(capEff[7..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) & (1UL << 21)) != 0;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
