using Hub.Testing;
using Microsoft.AspNetCore.Http;

namespace Hub.Host.Tests.Jobs;

/// <summary>
/// A real `hub worker` is killed (SIGKILL) in the middle of a download; a second worker takes the job over once the
/// lease expires, resumes the download, and finishes it: one entry, no leftover temp files.
/// </summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "hub-crash-" + Guid.NewGuid().ToString("N")[..10]);
    private LoopbackServer _site = null!;
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _file = "";
    private string _connectionString = "";
    private readonly List<string> _ranges = [];

    public async Task InitializeAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync("crash");
        _file = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "crash-padded");
        // A real mp4 (ffprobe must accept it), served slowly and byte-exact, with Range support for the resume.
        _site = await LoopbackServer.StartAsync();
        var bytes = await File.ReadAllBytesAsync(_file);
        _site.Map("slow.mp4", async ctx =>
        {
            ctx.Response.ContentType = "video/mp4";
            ctx.Response.Headers.AcceptRanges = "bytes";
            ctx.Response.Headers.ETag = "\"crash-v1\"";
            long start = 0;
            var range = ctx.Request.Headers.Range.ToString();
            if (range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
            {
                lock (_ranges) _ranges.Add(range);
                start = long.Parse(range[6..^1]);
                ctx.Response.StatusCode = StatusCodes.Status206PartialContent;
                ctx.Response.Headers.ContentRange = $"bytes {start}-{bytes.Length - 1}/{bytes.Length}";
            }
            ctx.Response.ContentLength = bytes.Length - start;
            if (HttpMethods.IsHead(ctx.Request.Method)) return;
            // About 20 KB/s; the first request (no Range) stops after 40 KB until the test has killed its worker, so the
            // kill lands mid-download however slow the machine is.
            for (var pos = start; pos < bytes.Length; pos += 2048)
            {
                if (start == 0 && pos >= 40 * 1024)
                {
                    await _held.Task.WaitAsync(ctx.RequestAborted);
                }
                var n = (int)Math.Min(2048, bytes.Length - pos);
                await ctx.Response.Body.WriteAsync(bytes.AsMemory((int)pos, n), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                await Task.Delay(100, ctx.RequestAborted);
            }
        });
    }

    public async Task DisposeAsync()
    {
        _held.TrySetResult();
        await _site.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    private Dictionary<string, string?> Env => new()
    {
        ["ConnectionStrings__Hub"] = _connectionString,
        ["Hub__DataDir"] = _dataDir,
        ["Hub__Network__AllowPrivateNetworks"] = "true",
        ["Hub__Jobs__LeaseDuration"] = "00:00:03",
        ["Hub__Jobs__HeartbeatInterval"] = "00:00:01",
        ["Hub__Jobs__ReapInterval"] = "00:00:01",
        ["Hub__Jobs__PollInterval"] = "00:00:01",
        ["Hub__Jobs__ProgressSaveInterval"] = "00:00:00.2",
    };

    [Fact]
    public async Task KilledWorker_JobIsTakenOverAfterLeaseExpiry_AndCompletesOnce()
    {
        var url = _site.Url("slow.mp4").AbsoluteUri;
        await using var first = HubProcess.Start(["worker"], Env);
        var enqueue = await HubProcess.RunAsync(["import", url], Env);
        Assert.True(enqueue.ExitCode == 0, enqueue.Stderr);
        var jobId = Guid.Parse(enqueue.Stdout.Split(' ')[1]);

        // Wait until the first worker is well into the download, then kill it without warning.
        var samples = new List<string>();
        try
        {
            await WaitUntilAsync(async () =>
            {
                var bytes = await ScalarAsync<long>("SELECT bytes_done FROM jobs WHERE id = $1", jobId);
                samples.Add(await ScalarAsync<string>("SELECT state FROM jobs WHERE id = $1", jobId) + ":" + bytes);
                return bytes > 8 * 1024; // the engine reports what it wrote, a little behind what was sent
            }, "download under way");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; samples {string.Join(", ", samples.TakeLast(5))}; worker: {first.Stdout}\n{first.Stderr}", ex);
        }
        first.Kill();
        await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
        _held.TrySetResult();
        Assert.True("downloading" == await ScalarAsync<string>("SELECT state FROM jobs WHERE id = $1", jobId), string.Join(", ", samples) + " size " + new FileInfo(_file).Length);

        await using var second = HubProcess.Start(["worker"], Env);
        await WaitUntilAsync(async () => await ScalarAsync<string>("SELECT state FROM jobs WHERE id = $1", jobId) is "completed" or "failed",
            "job finished", TimeSpan.FromSeconds(90));

        Assert.Equal("completed", await ScalarAsync<string>("SELECT state FROM jobs WHERE id = $1", jobId));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM entries"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM job_events WHERE job_id = $1 AND to_state = 'completed'", jobId));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM job_events WHERE job_id = $1 AND to_state = 'stalled'", jobId));
        var path = await ScalarAsync<string>("SELECT file_path FROM entries");
        Assert.Equal(await File.ReadAllBytesAsync(_file), await File.ReadAllBytesAsync(path));
        lock (_ranges) Assert.NotEmpty(_ranges); // the second worker resumed where the first stopped
        // The worker removes the job's work folder after the completion has committed: give it that moment.
        var jobsDir = Path.Combine(_dataDir, "tmp", "jobs");
        await WaitUntilAsync(() => Task.FromResult(!Directory.Exists(jobsDir) || Directory.GetFileSystemEntries(jobsDir).Length == 0),
            "temp files removed", TimeSpan.FromSeconds(15));
    }

    private Task<T> ScalarAsync<T>(string sql, params object[] args) => Eventually.ScalarAsync<T>(_connectionString, sql, args);

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) => Eventually.UntilAsync(condition, what, timeout);
}
