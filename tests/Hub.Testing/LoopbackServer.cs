using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, random port) whose routes a test sets up: files with Range support,
/// HTML pages, redirects, errors, and handlers that misbehave (drop the connection mid-body, stall).
/// Every request is recorded.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, RequestDelegate> _routes = new(StringComparer.Ordinal);

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();
    public Uri BaseUri { get; }

    private LoopbackServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public static async Task<LoopbackServer> StartAsync()
    {
        LoopbackServer? server = null;
        var (app, baseUri) = await LoopbackHost.StartAsync(async ctx =>
        {
            server!.Requests.Enqueue(new RecordedRequest(ctx.Request.Method, ctx.Request.Path + ctx.Request.QueryString,
                ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            if (server._routes.TryGetValue(ctx.Request.Path.Value ?? "/", out var handler))
            {
                await handler(ctx);
            }
            else
            {
                ctx.Response.StatusCode = 404;
                await ctx.Response.WriteAsync("File not found");
            }
        });
        server = new LoopbackServer(app, baseUri);
        return server;
    }

    public Uri Url(string path) => new(BaseUri, path.TrimStart('/'));

    public LoopbackServer Map(string path, RequestDelegate handler)
    {
        _routes["/" + path.TrimStart('/')] = handler;
        return this;
    }

    /// <summary>Serves a file with Range support, like a plain static file server.</summary>
    public LoopbackServer MapFile(string path, string filePath, string contentType) =>
        Map(path, ctx => Results.File(filePath, contentType, enableRangeProcessing: true).ExecuteAsync(ctx));

    public LoopbackServer MapText(string path, string body, string contentType = "text/html; charset=utf-8", int status = 200) =>
        Map(path, async ctx =>
        {
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = contentType;
            await ctx.Response.WriteAsync(body);
        });

    public LoopbackServer MapRedirect(string path, string location, int status = 302) =>
        Map(path, ctx =>
        {
            ctx.Response.StatusCode = status;
            ctx.Response.Headers.Location = location;
            return Task.CompletedTask;
        });

    public LoopbackServer MapStatus(string path, int status) => MapText(path, $"status {status}", "text/plain", status);

    public int Count(string path) => Requests.Count(r => r.PathAndQuery.Split('?')[0] == "/" + path.TrimStart('/'));

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}

public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers);

/// <summary>Small real media files made once per test process with ffmpeg.</summary>
public static class TestMedia
{
    private static readonly string Dir = Path.Combine(Path.GetTempPath(), "hub-test-media-v1");
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>A 5 s 320x240 H.264/AAC MP4 (about 70 KB).</summary>
    public static Task<string> VideoAsync() => MakeAsync("clip.mp4",
        ["-f", "lavfi", "-i", "testsrc=duration=5:size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:duration=5",
         "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "-movflags", "+faststart"]);

    /// <summary>A 12 s 320x240 H.264/AAC MP4 with a keyframe every second, so stream-copied clips start where asked (±1 s).</summary>
    public static Task<string> KeyframedVideoAsync() => MakeAsync("keyframed.mp4",
        ["-f", "lavfi", "-i", "testsrc=duration=12:size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:duration=12",
         "-c:v", "libx264", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "-movflags", "+faststart"]);

    /// <summary>A 20 s 640x360 MP4 of about 3 MB (noise compresses badly), for transfers a test can act on mid-way.</summary>
    public static Task<string> BigVideoAsync() => MakeAsync("big.mp4",
        ["-f", "lavfi", "-i", "nullsrc=size=640x360:rate=25:duration=20,geq=random(1)*255:128:128", "-f", "lavfi", "-i", "sine=frequency=330:duration=20",
         "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "1200k", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "-movflags", "+faststart"]);

    /// <summary>The test clip in Matroska with an English SubRip stream (three cues) inside.</summary>
    public static async Task<string> SubtitledVideoAsync()
    {
        var srt = Path.Combine(Dir, "speech.srt");
        Directory.CreateDirectory(Dir);
        if (!File.Exists(srt))
        {
            await File.WriteAllTextAsync(srt, "1\n00:00:00,500 --> 00:00:01,500\nHello from the test clip.\n\n2\n00:00:02,000 --> 00:00:03,000\n"
                + "The quick brown fox <i>jumps</i>.\n\n3\n00:00:03,500 --> 00:00:04,500\nGoodbye &amp; thanks.\n");
        }
        return await MakeAsync("subtitled.mkv", ["-i", await VideoAsync(), "-i", srt, "-map", "0", "-map", "1", "-c:v", "copy", "-c:a", "copy", "-c:s", "srt",
            "-metadata:s:s:0", "language=eng"]);
    }

    /// <summary>
    /// The test clip in Matroska with an English SubRip stream saying <paramref name="line"/> (one cue): a file of its own
    /// per line, so a test can search for words said only in that file.
    /// </summary>
    public static async Task<string> SpeakingVideoAsync(string name, string line)
    {
        Directory.CreateDirectory(Dir);
        var srt = Path.Combine(Dir, $"speech-{name}.srt");
        await File.WriteAllTextAsync(srt, $"1\n00:00:00,500 --> 00:00:03,000\n{line}\n");
        return await MakeAsync($"speaking-{name}.mkv", ["-i", await VideoAsync(), "-i", srt, "-map", "0", "-map", "1", "-c:v", "copy", "-c:a", "copy", "-c:s", "srt",
            "-metadata:s:s:0", "language=eng", "-metadata", "comment=" + name]);
    }

    /// <summary>A 4 s AAC audio file in an M4A container.</summary>
    public static Task<string> AudioAsync() => MakeAsync("tone.m4a",
        ["-f", "lavfi", "-i", "sine=frequency=660:duration=4", "-c:a", "aac", "-b:a", "64k"]);

    /// <summary>A 4 s MP3.</summary>
    public static Task<string> Mp3Async() => MakeAsync("tone.mp3",
        ["-f", "lavfi", "-i", "sine=frequency=550:duration=4", "-c:a", "libmp3lame", "-b:a", "64k"]);

    /// <summary>A JPEG still, usable as a thumbnail.</summary>
    public static Task<string> JpegAsync() => MakeAsync("thumb.jpg",
        ["-f", "lavfi", "-i", "testsrc=duration=1:size=160x120:rate=1", "-frames:v", "1"]);

    /// <summary>
    /// A copy of <paramref name="source"/> whose bytes differ (a metadata tag is set, streams copied), so tests that
    /// import "the same clip" under different names do not collide in content de-duplication.
    /// </summary>
    public static async Task<string> VariantAsync(string source, string tag)
    {
        var path = Path.Combine(Dir, $"variant-{tag}{Path.GetExtension(source)}");
        if (File.Exists(path))
        {
            return path;
        }
        // A temp name of its own and no overwrite: test assemblies running at once share this folder, and a variant
        // another one made first must not change under tests already holding its path (its bytes differ per run).
        var tmp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp" + Path.GetExtension(source);
        var result = await TestPostgres.Runner.RunAsync(new Hub.Domain.Processes.ProcessSpec("ffmpeg",
            ["-hide_banner", "-loglevel", "error", "-y", "-i", source, "-map", "0", "-c", "copy", "-metadata", "comment=" + tag + Guid.NewGuid(), tmp])
            { Timeout = TimeSpan.FromSeconds(60) }, CancellationToken.None);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("ffmpeg could not make a variant: " + result.Stderr);
        }
        try
        {
            File.Move(tmp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(tmp); // made meanwhile by another test or process: theirs stays
        }
        return path;
    }

    /// <summary>A file of pseudo-random bytes of the given size (deterministic content per size).</summary>
    public static async Task<string> BytesAsync(long size)
    {
        var path = Path.Combine(Dir, $"bytes-{size}.bin");
        await Gate.WaitAsync();
        try
        {
            if (!File.Exists(path) || new FileInfo(path).Length != size)
            {
                Directory.CreateDirectory(Dir);
                var rng = new Random((int)(size % int.MaxValue));
                var buffer = new byte[81920];
                await using var f = File.Create(path + ".tmp");
                for (long left = size; left > 0; left -= buffer.Length)
                {
                    rng.NextBytes(buffer);
                    await f.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)));
                }
                await f.DisposeAsync();
                File.Move(path + ".tmp", path, overwrite: true);
            }
            return path;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<string> MakeAsync(string name, string[] args)
    {
        var path = Path.Combine(Dir, name);
        await Gate.WaitAsync();
        try
        {
            if (File.Exists(path))
            {
                return path;
            }
            Directory.CreateDirectory(Dir);
            var tmp = Path.Combine(Dir, Guid.NewGuid().ToString("N") + Path.GetExtension(name));
            var result = await TestPostgres.Runner.RunAsync(
                new Hub.Domain.Processes.ProcessSpec("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", .. args, tmp]) { Timeout = TimeSpan.FromSeconds(60) },
                CancellationToken.None);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException("ffmpeg could not make test media: " + result.Stderr);
            }
            try
            {
                File.Move(tmp, path, overwrite: false); // another test assembly may have made it meanwhile: theirs stays
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(tmp);
            }
            return path;
        }
        finally
        {
            Gate.Release();
        }
    }
}
