using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Domain.Access;
using Hub.Domain.Jobs;
using Hub.Testing;

namespace Hub.Web.Tests;

/// <summary>
/// The real app with its workers on a fresh database, allowed to import from a loopback site (as a home LAN would
/// allow its own network), with short job and SSE intervals and a small upload limit.
/// </summary>
public class PipelineAppFactory : HubAppFactory
{
    public const long UploadLimit = 2 * 1024 * 1024;

    private readonly SemaphoreSlim _siteLock = new(1, 1);
    private LoopbackServer? _site;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Hub:Network:AllowPrivateNetworks"] = "true",
        ["Hub:Jobs:RetryBaseDelay"] = "00:00:00.3",
        ["Hub:Jobs:PollInterval"] = "00:00:01",
        ["Hub:Jobs:ProgressSaveInterval"] = "00:00:00.2",
        ["Hub:Jobs:HeartbeatInterval"] = "00:00:00.5",
        ["Hub:Sse:HeartbeatInterval"] = "00:00:00.5",
        ["Hub:Uploads:MaxBytes"] = UploadLimit.ToString(),
        // Torrents (an uploaded .torrent) stay on loopback: no DHT, aria2 bound to 127.0.0.1, a tracker on loopback.
        ["Hub:Torrents:Dht"] = "false",
        ["Hub:Torrents:Interface"] = "127.0.0.1",
        ["Hub:Torrents:MinMediaFileBytes"] = "10000",
    };

    /// <summary>A loopback site with a video, an audio file and a web page; started on first use.</summary>
    public async Task<LoopbackServer> SiteAsync()
    {
        await _siteLock.WaitAsync();
        try
        {
            if (_site is null)
            {
                var site = await LoopbackServer.StartAsync();
                site.MapFile("clip.mp4", await TestMedia.VideoAsync(), "video/mp4")
                    .MapFile("tone.m4a", await TestMedia.AudioAsync(), "audio/mp4");
                _site = site;
            }
            return _site;
        }
        finally
        {
            _siteLock.Release();
        }
    }

    /// <summary>The app started, with its NOTIFY listener listening (so live updates flow).</summary>
    public async Task StartedAsync()
    {
        _ = Server;
        await Get<JobNotificationListener>().Listening;
    }

    /// <summary>A client with a new token of this role, and the requester key the jobs it creates carry.</summary>
    public async Task<(HttpClient Client, string RequesterKey)> CallerAsync(string role)
    {
        await StartedAsync();
        var created = await Get<TokenService>().CreateAsync(role + "-" + Guid.NewGuid().ToString("N")[..6], role, CancellationToken.None);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Secret);
        return (client, "token:" + created.Token.Id);
    }

    /// <summary>Polls GET /jobs/{id} until the job is in one of <paramref name="states"/> (default: finished).</summary>
    public static async Task<JsonElement> WaitAsync(HttpClient client, Guid id, params string[] states)
    {
        states = states.Length == 0 ? ["completed", "failed", "cancelled"] : states;
        var until = DateTime.UtcNow.AddSeconds(60);
        JsonElement job;
        do
        {
            job = await client.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{id}");
            if (states.Contains(job.GetProperty("state").GetString()))
            {
                return job;
            }
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < until);
        throw new TimeoutException($"job {id} is {job.GetProperty("state")} ({job.GetProperty("error")}), never reached {string.Join("/", states)}");
    }

    /// <summary>A job in a queue no worker claims, so it stays where the test puts it.</summary>
    public Task<Job> ParkedJobAsync(string requestedBy, string kind = "parked", string door = "api") =>
        Get<JobQueue>().EnqueueAsync(new NewJob(kind, "nobody-claims-this", door) { RequestedBy = requestedBy, Title = "parked" }, CancellationToken.None);

    public override async ValueTask DisposeAsync()
    {
        if (_site is not null)
        {
            await _site.DisposeAsync();
        }
        _siteLock.Dispose();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public static class ProblemAssert
{
    /// <summary>Asserts a problem reply of this status and type; for validation, that it names <paramref name="field"/>.</summary>
    public static async Task<JsonElement> IsAsync(HttpResponseMessage response, int status, string type, string? field = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("urn:hub:problem:" + type, problem.GetProperty("type").GetString());
        if (field is not null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}': {body}");
        }
        return problem;
    }
}
