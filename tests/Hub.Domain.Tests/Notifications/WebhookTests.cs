using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Domain.Jobs;
using Hub.Domain.Net;
using Hub.Domain.Notifications;
using Hub.Domain.Storage;
using Hub.Domain.Tests.Imports;
using Hub.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Tests.Notifications;

/// <summary>Webhooks against a receiver on loopback: the real pipeline, the notify queue, the delivery log.</summary>
[Collection("pipeline")]
public sealed class WebhookTests(PipelineFixture fx) : IClassFixture<PipelineFixture>
{
    private sealed record Received(string Path, Dictionary<string, string> Headers, byte[] Body);

    private readonly ConcurrentQueue<Received> _received = new();

    private string Receiver(string name, params int[] statuses)
    {
        var answers = new ConcurrentQueue<int>(statuses);
        fx.Site.Map("hooks/" + name, async ctx =>
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer);
            _received.Enqueue(new Received(name, ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), buffer.ToArray()));
            var status = answers.TryDequeue(out var s) ? s : 200;
            ctx.Response.StatusCode = status;
            if (status == 302) ctx.Response.Headers.Location = fx.Site.Url("hooks/elsewhere").AbsoluteUri;
        });
        return fx.Site.Url("hooks/" + name).AbsoluteUri;
    }

    private WebhookService Webhooks => fx.Get<WebhookService>();

    private async Task<List<Received>> WaitForAsync(string name, int count)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            var got = _received.Where(r => r.Path == name).ToList();
            if (got.Count >= count) return got;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{name} received {_received.Count(r => r.Path == name)} of {count} requests");
    }

    private async Task<IReadOnlyList<WebhookDelivery>> LogAsync(Guid hook, int count)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        IReadOnlyList<WebhookDelivery> log;
        while ((log = await Webhooks.DeliveriesAsync(hook, 10, CancellationToken.None)).Count < count && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }
        return log;
    }

    [Fact]
    public async Task DiskLow_IsPostedOnce_PerEpisode_AndAgainAfterItRecovered()
    {
        var hook = await Webhooks.CreateAsync(new WebhookInput("disk", Receiver("disk"), [WebhookEvents.DiskLow], WebhookFormats.Ntfy, null, null), "test", CancellationToken.None);
        var watch = fx.Get<DiskSpaceWatch>();
        const long Everything = long.MaxValue / 2; // no disk has this much free: "low"
        await watch.CheckAsync(0, CancellationToken.None); // off: nothing reported, nothing remembered

        Assert.NotEmpty(await watch.CheckAsync(Everything, CancellationToken.None));
        var first = await WaitForAsync("disk", 1);
        Assert.StartsWith("Disk space low: ", first[0].Headers["Title"], StringComparison.Ordinal);
        // The next ticks do not repeat it while the disk stays low.
        Assert.Empty(await watch.CheckAsync(Everything, CancellationToken.None));
        Assert.Empty(await watch.CheckAsync(Everything, CancellationToken.None));
        // Recovered (far above a 1-byte threshold), then low again: told again.
        Assert.Empty(await watch.CheckAsync(1, CancellationToken.None));
        Assert.NotEmpty(await watch.CheckAsync(Everything, CancellationToken.None));
        await WaitForAsync("disk", 2);
        await Task.Delay(500);
        Assert.Equal(2, _received.Count(r => r.Path == "disk"));
        await Webhooks.DeleteAsync(hook.Id, CancellationToken.None);
    }

    [Fact]
    public async Task CompletedImport_IsPostedOnce_SignedWithTheSecret_WithAPlayableLink()
    {
        var hook = await Webhooks.CreateAsync(new WebhookInput("json receiver", Receiver("json"), [WebhookEvents.JobCompleted], null, null, null), "test", CancellationToken.None);
        var clip = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "webhook-json");
        fx.Site.MapFile("hooked.mp4", clip, "video/mp4");

        var done = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url("hooked.mp4").AbsoluteUri)).Id);
        Assert.Equal(JobStates.Completed, done.State);
        var request = Assert.Single(await WaitForAsync("json", 1));

        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(hook.Secret), request.Body));
        Assert.Equal(expected, request.Headers[WebhookBodies.SignatureHeader]);
        Assert.Equal("job.completed", request.Headers[WebhookBodies.EventHeader]);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("job.completed", body.RootElement.GetProperty("event").GetString());
        Assert.Equal(done.Id, body.RootElement.GetProperty("job").GetProperty("id").GetGuid());
        var entry = body.RootElement.GetProperty("entry");
        Assert.Equal("Videos", entry.GetProperty("library").GetString());
        Assert.StartsWith("/s/", entry.GetProperty("streamUrl").GetString()); // no public address configured: the path
        // The attempt is logged once the receiver's answer is back, a moment after the receiver saw the request.
        var delivery = Assert.Single(await LogAsync(hook.Id, 1));
        Assert.Equal(("delivered", 200), (delivery.Outcome, delivery.StatusCode!.Value));

        // Nothing more arrives: one event, one delivery, however many updates the job had.
        await Task.Delay(1500);
        Assert.Single(_received, r => r.Path == "json");
    }

    [Fact]
    public async Task Ntfy_GetsItsOwnBody_AndHeaders()
    {
        await Webhooks.CreateAsync(new WebhookInput("phone", Receiver("ntfy"), [WebhookEvents.JobFailed], WebhookFormats.Ntfy, null, null), "test", CancellationToken.None);
        var done = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url("missing-for-ntfy.mp4").AbsoluteUri)).Id);
        Assert.Equal(JobStates.Failed, done.State);

        var request = Assert.Single(await WaitForAsync("ntfy", 1));
        Assert.StartsWith("text/plain", request.Headers["Content-Type"]);
        Assert.Equal(done.Error, Encoding.UTF8.GetString(request.Body));
        Assert.StartsWith("Import failed: ", request.Headers["Title"]);
        Assert.Equal("x", request.Headers["Tags"]);
        Assert.Equal("high", request.Headers["Priority"]);
    }

    [Fact]
    public async Task FailingTarget_IsRetried_UntilItAnswers_AndEachAttemptIsLogged()
    {
        var hook = await Webhooks.CreateAsync(new WebhookInput("flaky", Receiver("flaky", 500, 503), null, null, null, null), "test", CancellationToken.None);
        var job = await Webhooks.SendTestAsync(hook.Id, CancellationToken.None);
        var done = await fx.WaitAsync(job.Id);

        Assert.Equal(JobStates.Completed, done.State);
        Assert.Equal(3, (await WaitForAsync("flaky", 3)).Count);
        var log = await Webhooks.DeliveriesAsync(hook.Id, 10, CancellationToken.None);
        Assert.Equal(["delivered", "retrying", "retrying"], log.Select(d => d.Outcome).ToArray());
        Assert.Equal([200, 503, 500], log.Select(d => d.StatusCode!.Value).ToArray());
    }

    [Fact]
    public async Task Redirect_IsNotFollowed_AndFailsAtOnce()
    {
        var hook = await Webhooks.CreateAsync(new WebhookInput("moved", Receiver("moved", 302), null, null, null, null), "test", CancellationToken.None);
        var done = await fx.WaitAsync((await Webhooks.SendTestAsync(hook.Id, CancellationToken.None)).Id);

        Assert.Equal(JobStates.Failed, done.State);
        Assert.Contains("do not follow redirects", done.Error);
        Assert.Equal(0, fx.Site.Count("hooks/elsewhere"));
        Assert.Equal("failed", Assert.Single(await Webhooks.DeliveriesAsync(hook.Id, 10, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task PrivateTarget_IsRefused_WhenPrivateNetworksAreOff()
    {
        var strict = new WebhookService(fx.Get<IDbContextFactory<HubDbContext>>(), new UrlGuard(new NetworkOptions(), new SystemHostResolver()),
            fx.Get<JobQueue>(), TimeProvider.System);
        foreach (var url in new[] { "http://127.0.0.1:9/hook", "http://localhost:9/hook", "http://[::1]:9/x", "http://2130706433:9/x", "ftp://127.0.0.1/x" })
        {
            var refused = await Assert.ThrowsAsync<HubValidationException>(() => strict.CreateAsync(new WebhookInput("lan", url, null, null, null, null), "test", CancellationToken.None));
            Assert.Equal("url", refused.Field);
        }
        var badEvent = await Assert.ThrowsAsync<HubValidationException>(() => Webhooks.CreateAsync(new WebhookInput("x", Receiver("x"), ["job.exploded"], null, null, null), "t", CancellationToken.None));
        Assert.Contains("job.exploded", badEvent.Message);
    }
}
