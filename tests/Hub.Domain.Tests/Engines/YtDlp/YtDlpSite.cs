using Hub.Domain.Engines.YtDlp;
using Hub.Domain.Net;
using Hub.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Tests.Engines.YtDlp;

/// <summary>A loopback web site with the kinds of pages yt-dlp meets: a direct file, a &lt;video&gt; page, two videos, only links, a slow file.</summary>
public sealed class YtDlpSite : IAsyncLifetime
{
    private readonly string _workRoot = Path.Combine(Path.GetTempPath(), "hub-ytdlp-tests-" + Guid.NewGuid().ToString("N"));

    public LoopbackServer Server { get; private set; } = null!;

    /// <summary>yt-dlp goes out through a real egress proxy, as in Hub; the loopback site is allowed like a home LAN.</summary>
    public EgressProxy Proxy { get; } = new(new UrlGuard(new NetworkOptions { AllowPrivateNetworks = true }, new SystemHostResolver()),
        NullLogger<EgressProxy>.Instance);

    public YtDlpClient Client => new(TestPostgres.Runner, Proxy, Options.Create(new HubOptions()), NullLogger<YtDlpClient>.Instance);

    public Uri Url(string path) => Server.Url(path);

    public string NewWorkDir() => Path.Combine(_workRoot, Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        var clip = await TestMedia.VideoAsync();
        var thumb = await TestMedia.JpegAsync();
        Server = await LoopbackServer.StartAsync();
        Server.MapFile("clip.mp4", clip, "video/mp4")
            .MapFile("clip2.mp4", clip, "video/mp4")
            .MapFile("thumb.jpg", thumb, "image/jpeg")
            .MapText("page.html", """
                <!DOCTYPE html><html><head><title>Page</title>
                <meta property="og:title" content="OG Test Clip"><meta property="og:description" content="A test clip description">
                </head><body><video src="clip.mp4" poster="thumb.jpg"></video></body></html>
                """)
            .MapText("two.html", """
                <!DOCTYPE html><html><head><title>Two</title><meta property="og:title" content="Two Clips"></head>
                <body><video src="clip.mp4"></video><video src="clip2.mp4"></video></body></html>
                """)
            .MapText("links.html", """
                <!DOCTYPE html><html><head><title>Links</title></head><body><a href="a.html">a</a> <a href="b.html">b</a></body></html>
                """)
            .Map("slow.mp4", SlowAsync);
    }

    /// <summary>Announces 50 MB, sends 64 KB at once, then trickles 1 KB every 100 ms until the client goes away.</summary>
    private static async Task SlowAsync(HttpContext ctx)
    {
        ctx.Response.ContentType = "video/mp4";
        ctx.Response.ContentLength = 50 * 1024 * 1024;
        var chunk = new byte[1024];
        try
        {
            for (var i = 0; i < 64; i++)
            {
                await ctx.Response.Body.WriteAsync(chunk, ctx.RequestAborted);
            }
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            while (!ctx.RequestAborted.IsCancellationRequested)
            {
                await Task.Delay(100, ctx.RequestAborted);
                await ctx.Response.Body.WriteAsync(chunk, ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
        ctx.Abort();
    }

    public async Task DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(_workRoot, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
