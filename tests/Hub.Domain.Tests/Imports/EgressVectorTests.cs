using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Processes;
using Hub.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hub.Domain.Tests.Imports;

/// <summary>
/// A page Hub may read that sends yt-dlp somewhere Hub must not go, three ways: a redirect (the page answers HEAD with
/// HTML, GET with a 302), an embedded &lt;video src&gt;, and an HLS playlist whose segments live there. "There" is a
/// listener on 127.0.0.1 reached under a refused spelling; it must log no request, and the job must fail with the
/// guard's message.
/// </summary>
public abstract class EgressFixture : DatabaseFixture
{
    public LoopbackServer Site { get; private set; } = null!;
    public LoopbackServer Target { get; private set; } = null!;

    /// <summary>How the pages name the target's host ("0.0.0.0", "127.0.0.1", "localhost").</summary>
    protected abstract IEnumerable<string> Spellings { get; }

    protected abstract IDictionary<string, string?> Network { get; }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(Network)
    {
        ["Hub:Jobs:RetryBaseDelay"] = "00:00:00.3",
        ["Hub:Jobs:PollInterval"] = "00:00:01",
        ["Hub:Jobs:HeartbeatInterval"] = "00:00:00.5",
    };

    protected override void Configure(IServiceCollection services) => services.AddHubWorkers();

    public override async Task InitializeAsync()
    {
        // The ports must exist before the settings that name them.
        Site = await LoopbackServer.StartAsync();
        Target = await LoopbackServer.StartAsync();
        var clip = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "egress");
        var hls = await HlsAsync(DataDir);
        foreach (var host in Spellings)
        {
            var there = $"http://{host}:{Target.BaseUri.Port}/{host}";
            Target.MapFile($"{host}/clip.mp4", clip, "video/mp4");
            foreach (var segment in Directory.GetFiles(hls, "*.ts"))
            {
                Target.MapFile($"{host}/{Path.GetFileName(segment)}", segment, "video/mp2t");
            }
            Site.Map($"{host}/redirect", ctx =>
            {
                if (HttpMethods.IsHead(ctx.Request.Method))
                {
                    ctx.Response.ContentType = "text/html";
                }
                else
                {
                    ctx.Response.StatusCode = 302;
                    ctx.Response.Headers.Location = $"{there}/clip.mp4";
                }
                return Task.CompletedTask;
            });
            Site.MapText($"{host}/video.html", $"""<html><head><title>Clip</title></head><body><video src="{there}/clip.mp4"></video></body></html>""");
            var playlist = string.Join("\n", File.ReadAllLines(Path.Combine(hls, "index.m3u8"))
                .Select(line => line.EndsWith(".ts", StringComparison.Ordinal) ? $"{there}/{line}" : line));
            Site.MapText($"{host}/index.m3u8", playlist, "application/vnd.apple.mpegurl");
        }
        await base.InitializeAsync();
        foreach (var hosted in Services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
        await Get<JobNotificationListener>().Listening;
    }

    public override async Task DisposeAsync()
    {
        foreach (var hosted in Services.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
        await base.DisposeAsync();
        await Site.DisposeAsync();
        await Target.DisposeAsync();
    }

    /// <summary>Runs one import to its end and returns the job.</summary>
    public async Task<Job> ImportToEndAsync(string url)
    {
        var job = await Get<ImportService>().ImportAsync(new ImportRequest { Url = url, Door = Doors.Api, RequestedBy = "test" }, CancellationToken.None);
        var until = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < until)
        {
            job = await Get<JobQueue>().GetAsync(job.Id, CancellationToken.None);
            if (job.State is JobStates.Completed or JobStates.Failed or JobStates.Cancelled) return job;
            await Task.Delay(100);
        }
        throw new TimeoutException($"job {job.Id} is still {job.State}");
    }

    public int TargetRequests(string host) => Target.Requests.Count(r => r.PathAndQuery.StartsWith($"/{host}/", StringComparison.Ordinal));

    /// <summary>A small real HLS stream (3 one-second segments) made with ffmpeg in the fixture's folder.</summary>
    private static async Task<string> HlsAsync(string root)
    {
        var dir = Path.Combine(root, "hls-fixture");
        Directory.CreateDirectory(dir);
        await TestPostgres.Runner.RunCheckedAsync(new ProcessSpec("ffmpeg",
        [
            "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=3:size=160x120:rate=10",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "10", "-f", "hls", "-hls_time", "1", "-hls_list_size", "0",
            "-hls_segment_filename", Path.Combine(dir, "seg%d.ts"), Path.Combine(dir, "index.m3u8"),
        ]) { Timeout = TimeSpan.FromSeconds(60) }, CancellationToken.None);
        return dir;
    }
}

/// <summary>As the tests run elsewhere: private networks allowed, plus one deny entry for the target's port on 127.0.0.1.</summary>
public sealed class EgressDenyFixture : EgressFixture
{
    protected override IEnumerable<string> Spellings => ["0.0.0.0", "127.0.0.1"];

    protected override IDictionary<string, string?> Network => new Dictionary<string, string?>
    {
        ["Hub:Network:AllowPrivateNetworks"] = "true",
        ["Hub:Network:Deny:0"] = $"127.0.0.1/32:{Target.BaseUri.Port}",
    };
}

/// <summary>The default policy (private networks refused) with only the site's own port allowed.</summary>
public sealed class EgressStrictFixture : EgressFixture
{
    protected override IEnumerable<string> Spellings => ["localhost"];

    protected override IDictionary<string, string?> Network => new Dictionary<string, string?>
    {
        ["Hub:Network:AllowPrivateNetworks"] = "false",
        ["Hub:Network:Allow:0"] = $"127.0.0.1/32:{Site.BaseUri.Port}",
    };
}

[Collection("pipeline")]
public sealed class EgressDenyTests(EgressDenyFixture fx) : IClassFixture<EgressDenyFixture>
{
    [Theory]
    [InlineData("0.0.0.0", "redirect", "'0.0.0.0' is an unspecified address; such addresses are never fetched.")]
    [InlineData("0.0.0.0", "video.html", "'0.0.0.0' is an unspecified address; such addresses are never fetched.")]
    [InlineData("0.0.0.0", "index.m3u8", "'0.0.0.0' is an unspecified address; such addresses are never fetched.")]
    [InlineData("127.0.0.1", "redirect", "which Hub:Network:Deny refuses on port")]
    [InlineData("127.0.0.1", "video.html", "which Hub:Network:Deny refuses on port")]
    [InlineData("127.0.0.1", "index.m3u8", "which Hub:Network:Deny refuses on port")]
    public async Task PageLeadingToARefusedAddress_FailsWithTheGuardsMessage_AndTheTargetSeesNothing(string host, string page, string message)
    {
        var job = await fx.ImportToEndAsync(fx.Site.Url($"{host}/{page}").AbsoluteUri);

        Assert.True(job.State == JobStates.Failed && job.ErrorKind == "blocked-address", $"{job.State} {job.ErrorKind}: {job.Error}");
        Assert.Contains(message, job.Error);
        Assert.Equal(0, fx.TargetRequests(host));
    }
}

[Collection("pipeline")]
public sealed class EgressStrictTests(EgressStrictFixture fx) : IClassFixture<EgressStrictFixture>
{
    [Theory]
    [InlineData("redirect")]
    [InlineData("video.html")]
    [InlineData("index.m3u8")]
    public async Task NameResolvingToLoopback_IsRefused_WhenPrivateNetworksAreNot(string page)
    {
        var job = await fx.ImportToEndAsync(fx.Site.Url($"localhost/{page}").AbsoluteUri);

        Assert.True(job.State == JobStates.Failed && job.ErrorKind == "blocked-address", $"{job.State} {job.ErrorKind}: {job.Error}");
        Assert.Contains("'localhost' resolves to", job.Error);
        Assert.Contains("Hub:Network:Allow", job.Error);
        Assert.Equal(0, fx.TargetRequests("localhost"));
    }
}
