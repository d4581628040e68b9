using System.Net.Http.Json;
using System.Text.Json;
using Hub.Domain.Jobs;
using Hub.Domain.Storage;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Web.Tests.Jobs;

public sealed class JobStreamTests(PipelineAppFactory app) : IClassFixture<PipelineAppFactory>
{
    [Fact]
    public async Task JobStream_OfARealImport_GivesProgressThenEnd_ThenCloses()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var (client, _) = await app.CallerAsync("user");
        var site = await app.SiteAsync();
        // Slow enough that progress is reported several times on the way.
        var video = File.ReadAllBytes(await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "sse"));
        site.Map("sse.mp4", async ctx =>
        {
            ctx.Response.ContentType = "video/mp4";
            ctx.Response.ContentLength = video.Length;
            if (ctx.Request.Method == "HEAD") return;
            for (var sent = 0; sent < video.Length; sent += 8 * 1024)
            {
                await ctx.Response.Body.WriteAsync(video.AsMemory(sent, Math.Min(8 * 1024, video.Length - sent)), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                await Task.Delay(60, ctx.RequestAborted);
            }
        });
        var created = await (await client.PostAsJsonAsync("/api/v1/imports", new { url = site.Url("sse.mp4").AbsoluteUri })).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetGuid();

        await using var sse = await SseClient.OpenAsync(client, $"/api/v1/jobs/{id}/stream", timeout.Token);
        Assert.Equal("text/event-stream", sse.Response.Content.Headers.ContentType?.MediaType);
        var events = new List<SseEvent>();
        while (await sse.NextAsync(timeout.Token) is { } e)
        {
            events.Add(e);
        }

        Assert.NotNull(sse.Retry);
        Assert.All(events, e => Assert.Equal(id, e.Json.GetProperty("id").GetGuid()));
        Assert.Equal("end", events[^1].Name);
        Assert.Single(events, e => e.Name == "end");
        var final = events[^1].Json;
        Assert.Equal("completed", final.GetProperty("state").GetString());
        Assert.NotEqual(JsonValueKind.Null, final.GetProperty("entryId").ValueKind);
        var progress = events.Where(e => e.Name == "job" && e.Json.GetProperty("state").GetString() == "downloading")
            .Select(e => e.Json.GetProperty("progress").GetDouble()).ToList();
        Assert.True(progress.Count(p => p is > 0 and < 100) >= 2, "progress events: " + string.Join(", ", progress));
        Assert.Equal(progress.Order(), progress);
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task JobStream_OfAFinishedJob_IsOneEndEvent()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (client, key) = await app.CallerAsync("user");
        var job = await app.ParkedJobAsync(key);
        await app.Get<JobQueue>().CancelAsync(job.Id, "test", CancellationToken.None);

        await using var sse = await SseClient.OpenAsync(client, $"/api/v1/jobs/{job.Id}/stream", timeout.Token);
        var only = await sse.NextAsync(timeout.Token);

        Assert.Equal("end", only?.Name);
        Assert.Equal("cancelled", only!.Json.GetProperty("state").GetString());
        Assert.Null(await sse.NextAsync(timeout.Token));
    }

    [Fact]
    public async Task ATorrentsSwarm_IsInTheJob_AndInItsStream()
    {
        var (client, key) = await app.CallerAsync("user");
        var job = await app.ParkedJobAsync(key);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using (var cmd = app.Get<HubDatabase>().DataSource.CreateCommand(
            "UPDATE jobs SET state = 'downloading', peers = 5, seeders = 2, upload_bps = 40960, seeding = true, updated_at = now() WHERE id = $1"))
        {
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = job.Id });
            await cmd.ExecuteNonQueryAsync(timeout.Token);
        }

        var read = await client.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{job.Id}", timeout.Token);
        await using var sse = await SseClient.OpenAsync(client, $"/api/v1/jobs/{job.Id}/stream", timeout.Token);
        var first = await sse.NextAsync(timeout.Token);

        foreach (var swarm in new[] { read.GetProperty("swarm"), first!.Json.GetProperty("swarm") })
        {
            Assert.Equal((5, 2, 40960d, true), (swarm.GetProperty("peers").GetInt32(), swarm.GetProperty("seeders").GetInt32(),
                swarm.GetProperty("uploadBps").GetDouble(), swarm.GetProperty("seeding").GetBoolean()));
        }
    }

    [Fact]
    public async Task JobStream_WhenTheNotifyIsLost_EndsFromTheRowAtAHeartbeat()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (client, key) = await app.CallerAsync("user");
        var job = await app.ParkedJobAsync(key);
        await using var sse = await SseClient.OpenAsync(client, $"/api/v1/jobs/{job.Id}/stream", timeout.Token);
        Assert.Equal("job", (await sse.NextAsync(timeout.Token))?.Name);

        // Finish the job behind the stream's back: a plain SQL write publishes no update (checked below).
        using var notifications = app.Get<JobUpdates>().Subscribe(u => u.JobId == job.Id);
        await using (var conn = await app.Get<HubDatabase>().DataSource.OpenConnectionAsync(timeout.Token))
        await using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = $"""
                UPDATE jobs SET state = 'failed', error = 'lost', finished_at = now(), updated_at = now() WHERE id = '{job.Id}';
                """;
            await cmd.ExecuteNonQueryAsync(timeout.Token);
        }

        var end = await sse.NextAsync(timeout.Token);
        Assert.Equal("end", end?.Name);
        Assert.Equal("failed", end!.Json.GetProperty("state").GetString());
        Assert.False(notifications.TryRead(out _), "an update was published; the test did not exercise the heartbeat re-read");
        Assert.Null(await sse.NextAsync(timeout.Token));
    }

    [Fact]
    public async Task AllJobsStream_ShowsAUserOnlyTheirOwnJobs_AndSendsHeartbeats()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (alice, aliceKey) = await app.CallerAsync("user");
        var (_, bobKey) = await app.CallerAsync("user");
        var (admin, _) = await app.CallerAsync("admin");
        var aliceOld = await app.ParkedJobAsync(aliceKey);
        var bobOld = await app.ParkedJobAsync(bobKey);

        await using var aliceStream = await SseClient.OpenAsync(alice, "/api/v1/jobs/stream", timeout.Token);
        await using var adminStream = await SseClient.OpenAsync(admin, "/api/v1/jobs/stream", timeout.Token);
        var first = await aliceStream.NextAsync(timeout.Token);
        Assert.Equal(aliceOld.Id, first!.Json.GetProperty("id").GetGuid()); // the current state first

        var bobNew = await app.ParkedJobAsync(bobKey);
        var aliceNew = await app.ParkedJobAsync(aliceKey);
        await app.Get<JobQueue>().CancelAsync(aliceNew.Id, "test", CancellationToken.None);

        var aliceSaw = new List<SseEvent>();
        while (await aliceStream.NextAsync(timeout.Token) is { } e)
        {
            aliceSaw.Add(e);
            if (e.Name == "end") break;
        }
        Assert.DoesNotContain(aliceSaw, e => e.Json.GetProperty("requestedBy").GetString() != aliceKey);
        Assert.Equal(aliceNew.Id, aliceSaw[^1].Json.GetProperty("id").GetGuid());
        Assert.Equal("cancelled", aliceSaw[^1].Json.GetProperty("state").GetString());

        var adminSaw = new HashSet<Guid>();
        while (!adminSaw.Contains(bobNew.Id) || !adminSaw.Contains(aliceNew.Id))
        {
            adminSaw.Add((await adminStream.NextAsync(timeout.Token))!.Json.GetProperty("id").GetGuid());
        }
        Assert.Contains(bobOld.Id, adminSaw);

        // Nothing more happens to Alice's jobs: what comes next on her stream is a heartbeat comment (read while the
        // reader waits for an event), within a few of this factory's heartbeat intervals even on a busy machine.
        var pending = aliceStream.NextAsync(timeout.Token);
        for (var until = DateTime.UtcNow.AddSeconds(10); !aliceStream.Comments.Contains("heartbeat") && DateTime.UtcNow < until;)
        {
            await Task.Delay(100, timeout.Token);
        }
        Assert.Contains("heartbeat", aliceStream.Comments);
    }
}
