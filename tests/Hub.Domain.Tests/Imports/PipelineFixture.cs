using Hub.Domain.Entries;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Media;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hub.Domain.Tests.Imports;

/// <summary>The whole pipeline on a real database, with workers, real yt-dlp/ffprobe, and a loopback site.</summary>
public class PipelineFixture : DatabaseFixture
{
    public LoopbackServer Site { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        // The loopback site is a private address: tests allow it explicitly, as a home LAN would.
        ["Hub:Network:AllowPrivateNetworks"] = "true",
        ["Hub:Jobs:RetryBaseDelay"] = "00:00:00.3",
        ["Hub:Jobs:PollInterval"] = "00:00:01",
        ["Hub:Jobs:ProgressSaveInterval"] = "00:00:00.2",
        ["Hub:Jobs:HeartbeatInterval"] = "00:00:00.5",
    };

    protected override void Configure(IServiceCollection services) => services.AddHubWorkers();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Site = await LoopbackServer.StartAsync();
        var video = await TestMedia.VideoAsync();
        Site.MapFile("clip.mp4", video, "video/mp4")
            .MapFile("tone.m4a", await TestMedia.AudioAsync(), "audio/mp4")
            .MapFile("poster.jpg", await TestMedia.JpegAsync(), "image/jpeg")
            .MapFile("page-clip.mp4", await TestMedia.VariantAsync(video, "page"), "video/mp4")
            .MapText("page.html", """
                <html><head><meta property="og:title" content="OG Test Clip"><meta property="og:description" content="A test page"></head>
                <body><video src="page-clip.mp4" poster="poster.jpg"></video></body></html>
                """);
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
        await Site.DisposeAsync();
        await base.DisposeAsync();
    }

    public Task<Job> ImportAsync(string url, string? library = null, string mode = ImportModes.Auto, string? format = null) =>
        Get<ImportService>().ImportAsync(new ImportRequest { Url = url, Library = library, Mode = mode, Format = format, Door = Doors.Api, RequestedBy = "test" },
            CancellationToken.None);

    public async Task<Job> WaitAsync(Guid id, params string[] states)
    {
        states = states.Length == 0 ? [JobStates.Completed, JobStates.Failed, JobStates.Cancelled] : states;
        var until = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < until)
        {
            var job = await Get<JobQueue>().GetAsync(id, CancellationToken.None);
            if (states.Contains(job.State)) return job;
            await Task.Delay(100);
        }
        var last = await Get<JobQueue>().GetAsync(id, CancellationToken.None);
        throw new TimeoutException($"job {id} is {last.State} ({last.Error}), never reached {string.Join("/", states)}");
    }

    public async Task<Entry> EntryAsync(Guid id)
    {
        await using var db = CreateDb();
        return await db.Entries.AsNoTracking().SingleAsync(e => e.Id == id);
    }

    /// <summary>The follow-up thumbnail job of an entry (enqueued just after its import completed), once it has ended.</summary>
    public async Task<Job> ThumbnailJobAsync(Guid entryId)
    {
        var key = ThumbnailHandler.For(entryId, Doors.Api).IdempotencyKey;
        Job? job = null;
        await Eventually.UntilAsync(async () =>
        {
            await using var db = CreateDb();
            job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.IdempotencyKey == key);
            return job is not null && JobStates.IsTerminal(job.State);
        }, $"the thumbnail job of entry {entryId} to end", TimeSpan.FromSeconds(120));
        return job!;
    }
}
