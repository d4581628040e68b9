using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hub.Domain.Tests.Imports;

/// <summary>Workers on a database of their own, which the test stops and starts again under them.</summary>
public sealed class OutageFixture : DatabaseFixture
{
    public PrivateCluster Cluster { get; private set; } = null!;
    public LoopbackServer Site { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Hub:Network:AllowPrivateNetworks"] = "true",
        ["Hub:Jobs:RetryBaseDelay"] = "00:00:00.3",
        ["Hub:Jobs:PollInterval"] = "00:00:01",
        ["Hub:Jobs:ReapInterval"] = "00:00:01",
        ["Hub:Jobs:LeaseDuration"] = "00:00:10",
        ["Hub:Jobs:ProgressSaveInterval"] = "00:00:00.2",
        ["Hub:Jobs:HeartbeatInterval"] = "00:00:00.5",
    };

    protected override async Task<string> CreateDatabaseAsync()
    {
        Cluster = await PrivateCluster.StartAsync();
        return Cluster.ConnectionString;
    }

    protected override async Task DropDatabaseAsync() => await Cluster.DisposeAsync();

    protected override void Configure(IServiceCollection services) => services.AddHubWorkers();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Site = await LoopbackServer.StartAsync();
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
}

public sealed class OutageDownloadTests(OutageFixture fx) : IClassFixture<OutageFixture>
{
    [Fact]
    public async Task DownloadFinishedWhileDatabaseDown_IsKept_AndReused_WithOneFetchAndOneEntry()
    {
        var bytes = await File.ReadAllBytesAsync(await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "outage"));
        var halfSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int gets = 0;
        long bodyBytes = 0;
        fx.Site.Map("slow.mp4", async ctx =>
        {
            ctx.Response.ContentType = "video/mp4";
            ctx.Response.ContentLength = bytes.Length;
            if (HttpMethods.IsHead(ctx.Request.Method)) return;
            Interlocked.Increment(ref gets);
            var half = bytes.Length / 2;
            await ctx.Response.Body.WriteAsync(bytes.AsMemory(0, half));
            await ctx.Response.Body.FlushAsync();
            Interlocked.Add(ref bodyBytes, half);
            halfSent.TrySetResult();
            await release.Task; // the database goes down while the body is on its way
            await ctx.Response.Body.WriteAsync(bytes.AsMemory(half));
            Interlocked.Add(ref bodyBytes, bytes.Length - half);
        });
        var url = fx.Site.Url("slow.mp4").AbsoluteUri;
        var job = await fx.Get<ImportService>().ImportAsync(
            new ImportRequest { Url = url, Mode = ImportModes.Auto, Door = Doors.Api, RequestedBy = "test" }, CancellationToken.None);
        await halfSent.Task.WaitAsync(TimeSpan.FromSeconds(60));

        await fx.Cluster.StopImmediatelyAsync();
        var marker = Path.Combine(fx.DataDir, "tmp", "jobs", job.Id.ToString("N"), FinishedDownload.MarkerName);
        try
        {
            release.TrySetResult();
            // The download finishes during the outage and is kept, with its marker, for the job's next attempt.
            for (var i = 0; i < 300 && !File.Exists(marker); i++)
            {
                await Task.Delay(100);
            }
            Assert.True(File.Exists(marker), "the finished download was not kept");
            await Task.Delay(1500); // the worker tries (and fails) to record it meanwhile
        }
        finally
        {
            await fx.Cluster.StartAgainAsync();
        }

        var done = await WaitAsync(job.Id);
        Assert.True(done.State == JobStates.Completed, $"job ended {done.State}: {done.ErrorKind} {done.Error}");
        Assert.Equal(1, gets);
        Assert.Equal(bytes.Length, Interlocked.Read(ref bodyBytes));
        await using var db = fx.CreateDb();
        var entry = await db.Entries.AsNoTracking().SingleAsync(e => e.SourceUrl == url);
        Assert.Equal(bytes.Length, entry.SizeBytes);
        Assert.Equal(done.EntryId, entry.Id);
        Assert.True(File.Exists(entry.FilePath));
        var events = await fx.Get<JobQueue>().EventsAsync(job.Id, CancellationToken.None);
        Assert.Contains(events, e => e.ToState == JobStates.Retrying);
    }

    [Fact]
    public async Task DatabaseDownLongerThanTheLease_TheRunningDownloadKeepsItsJob_AndIsFetchedOnce()
    {
        // The reaper must not take a job from a worker that is alive and downloading just because the outage outlasted
        // the lease: the download would start again and two attempts would share one work folder.
        var bytes = await File.ReadAllBytesAsync(await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "long-outage"));
        var halfSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int gets = 0;
        var requests = new List<string>();
        fx.Site.Map("long-outage.mp4", async ctx =>
        {
            lock (requests) requests.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {ctx.Request.Method} {ctx.Request.Headers.Range}");
            ctx.Response.ContentType = "video/mp4";
            ctx.Response.ContentLength = bytes.Length;
            if (HttpMethods.IsHead(ctx.Request.Method)) return;
            if (Interlocked.Increment(ref gets) > 1)
            {
                await ctx.Response.Body.WriteAsync(bytes); // a second attempt is not held up: the test fails on its count
                return;
            }
            var half = bytes.Length / 2;
            await ctx.Response.Body.WriteAsync(bytes.AsMemory(0, half));
            await ctx.Response.Body.FlushAsync();
            halfSent.TrySetResult();
            await release.Task;
            await ctx.Response.Body.WriteAsync(bytes.AsMemory(half));
        });
        var url = fx.Site.Url("long-outage.mp4").AbsoluteUri;
        var job = await fx.Get<ImportService>().ImportAsync(
            new ImportRequest { Url = url, Mode = ImportModes.Auto, Door = Doors.Api, RequestedBy = "test" }, CancellationToken.None);
        await halfSent.Task.WaitAsync(TimeSpan.FromSeconds(60));
        lock (requests) requests.Add($"{DateTime.UtcNow:HH:mm:ss.fff} stop");

        var lease = fx.Get<Microsoft.Extensions.Options.IOptions<JobOptions>>().Value.LeaseDuration;
        await fx.Cluster.StopImmediatelyAsync();
        try
        {
            await Task.Delay(lease + TimeSpan.FromSeconds(2)); // every lease has lapsed when the database returns
        }
        finally
        {
            await fx.Cluster.StartAgainAsync();
        }
        // Several reaper rounds with the database back, while the download is still under way.
        await Task.Delay(TimeSpan.FromSeconds(4));
        release.TrySetResult();

        var done = await WaitAsync(job.Id);
        Assert.True(done.State == JobStates.Completed, $"job ended {done.State}: {done.ErrorKind} {done.Error}");
        var events = await fx.Get<JobQueue>().EventsAsync(job.Id, CancellationToken.None);
        Assert.True(gets == 1, $"{gets} GETs ({string.Join(", ", requests)}); history: " + string.Join(" | ", events.Select(e => $"{e.At:HH:mm:ss.fff} {e.FromState}→{e.ToState} {e.Message}")));
        Assert.Equal(0, done.Failures);
        Assert.DoesNotContain(events, e => e.ToState is JobStates.Stalled or JobStates.Retrying);
        Assert.Single(events, e => e.ToState == JobStates.Downloading);
    }

    private async Task<Job> WaitAsync(Guid id)
    {
        var until = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < until)
        {
            try
            {
                var job = await fx.Get<JobQueue>().GetAsync(id, CancellationToken.None);
                if (JobStates.IsTerminal(job.State)) return job;
            }
            catch (Npgsql.NpgsqlException)
            {
                // pooled connections to the stopped server are being replaced
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"job {id} never ended");
    }
}
