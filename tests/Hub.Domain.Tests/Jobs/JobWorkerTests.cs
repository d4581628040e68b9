using System.Collections.Concurrent;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hub.Domain.Tests.Jobs;

/// <summary>A scripted handler: each job's request names what it should do.</summary>
public sealed class ScriptedHandler : IJobHandler
{
    public const string QueueName = "scripted";
    public string Queue => QueueName;
    public string RunningState => JobStates.Downloading;
    public ConcurrentDictionary<Guid, int> Runs { get; } = new();
    public ConcurrentDictionary<Guid, TaskCompletionSource> Started { get; } = new();

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var runs = Runs.AddOrUpdate(context.Id, 1, (_, n) => n + 1);
        Started.GetOrAdd(context.Id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        var script = context.Job.Request.RootElement.GetProperty("script").GetString();
        switch (script)
        {
            case "ok":
                for (var i = 1; i <= 4; i++)
                {
                    context.Report(new JobProgress(i * 20, i * 100, 500, 1000, 1));
                    await Task.Delay(300, cancellationToken);
                }
                await context.CompleteAsync(null, new { runs }, "all done", null, cancellationToken);
                break;
            case "flaky":
                if (runs < 2) throw ImportFailedException.Retryable("http-5xx", "The server answered 503.");
                break;
            case "missing":
                throw ImportFailedException.Permanent("http-404", "The file is gone (404).");
            case "slow":
                File.WriteAllText(Path.Combine(context.WorkDir, "partial.bin"), "x");
                await Task.Delay(TimeSpan.FromMinutes(5), cancellationToken);
                break;
            case "handoff":
                await context.MoveToAsync(JobStates.Queued, "elsewhere", "next phase", null, cancellationToken);
                break;
        }
    }
}

public sealed class WorkerFixture : DatabaseFixture
{
    public ScriptedHandler Handler { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Hub:Jobs:RetryBaseDelay"] = "00:00:00.2",
        ["Hub:Jobs:PollInterval"] = "00:00:01",
        ["Hub:Jobs:ProgressSaveInterval"] = "00:00:00.2",
        ["Hub:Jobs:HeartbeatInterval"] = "00:00:00.5",
        ["Hub:Jobs:Concurrency:scripted"] = "4",
    };

    protected override void Configure(IServiceCollection services)
    {
        services.AddSingleton<IJobHandler>(Handler);
        services.AddHubWorkers();
    }

    private int _started;

    public async Task StartWorkersAsync()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            await Get<JobNotificationListener>().Listening;
            return;
        }
        foreach (var hosted in Services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
        await Get<JobNotificationListener>().Listening;
    }
}

public sealed class JobWorkerTests(WorkerFixture fx) : IClassFixture<WorkerFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fx.StartWorkersAsync();

    [Fact]
    public async Task Enqueue_IsPublishedToSubscribers_ThroughNotify()
    {
        using var sub = fx.Get<JobUpdates>().Subscribe();
        var job = await fx.Get<JobQueue>().EnqueueAsync(new NewJob("test", "nobody-claims-this", "api"), CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var first = await sub.ReadAllAsync(cts.Token).FirstAsync(u => u.JobId == job.Id);
        Assert.Equal(JobStates.Queued, first.State);
    }
    public Task DisposeAsync() => Task.CompletedTask;

    private Task<Job> EnqueueAsync(string script) =>
        fx.Get<JobQueue>().EnqueueAsync(new NewJob("test", ScriptedHandler.QueueName, "api") { Request = new { script } }, CancellationToken.None);

    private async Task<Job> WaitForStateAsync(Guid id, params string[] states)
    {
        var until = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < until)
        {
            var job = await fx.Get<JobQueue>().GetAsync(id, CancellationToken.None);
            if (states.Contains(job.State)) return job;
            await Task.Delay(50);
        }
        throw new TimeoutException($"job {id} never reached {string.Join("/", states)}");
    }

    [Fact]
    public async Task Job_RunsToCompletion_AndSubscribersSeeProgressAndTheFinalUpdate()
    {
        using var sub = fx.Get<JobUpdates>().Subscribe();
        var job = await EnqueueAsync("ok");

        var seen = new List<JobUpdate>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var u in sub.ReadAllAsync(cts.Token))
        {
            if (u.JobId != job.Id) continue;
            seen.Add(u);
            if (u.IsFinal) break;
        }

        Assert.Equal(JobStates.Completed, seen[^1].State);
        Assert.Equal(100, seen[^1].Progress);
        Assert.Contains(seen, u => u.State == JobStates.Downloading && u.Progress is > 0 and < 100);
        var progress = seen.Select(u => u.Progress).ToList();
        Assert.Equal(progress.Order(), progress); // monotonic
    }

    [Fact]
    public async Task TransientFailure_IsRetried_ThenSucceeds()
    {
        var job = await EnqueueAsync("flaky");
        var done = await WaitForStateAsync(job.Id, JobStates.Completed, JobStates.Failed);
        Assert.Equal(JobStates.Completed, done.State);
        Assert.Equal(2, fx.Handler.Runs[job.Id]);
        var events = await fx.Get<JobQueue>().EventsAsync(job.Id, CancellationToken.None);
        Assert.Contains(events, e => e.ToState == JobStates.Retrying && e.Message.Contains("503"));
    }

    [Fact]
    public async Task PermanentFailure_IsNotRetried()
    {
        var job = await EnqueueAsync("missing");
        var failed = await WaitForStateAsync(job.Id, JobStates.Failed);
        Assert.Equal("http-404", failed.ErrorKind);
        Assert.Contains("404", failed.Error);
        await Task.Delay(500);
        Assert.Equal(1, fx.Handler.Runs[job.Id]);
    }

    [Fact]
    public async Task Cancel_RunningJob_StopsItPromptly_AndRemovesItsTempFiles()
    {
        var job = await EnqueueAsync("slow");
        var started = fx.Handler.Started.GetOrAdd(job.Id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(90));
        var workDir = Path.Combine(fx.DataDir, "tmp", "jobs", job.Id.ToString("N"));
        Assert.True(Directory.Exists(workDir));

        await fx.Get<JobQueue>().CancelAsync(job.Id, "user cancelled", CancellationToken.None);
        // The handler would sleep for 5 minutes: reaching "cancelled" at all means its work was stopped.
        var cancelled = await WaitForStateAsync(job.Id, JobStates.Cancelled);

        Assert.False(Directory.Exists(workDir));
        Assert.NotNull(cancelled.FinishedAt);
    }

    [Fact]
    public async Task Handoff_ReleasesTheJob_ToTheNextQueue()
    {
        var job = await EnqueueAsync("handoff");
        var waiting = await WaitForStateAsync(job.Id, JobStates.Queued);
        Assert.Null(waiting.LeaseOwner);
        Assert.Equal("elsewhere", waiting.Queue);
    }
}
