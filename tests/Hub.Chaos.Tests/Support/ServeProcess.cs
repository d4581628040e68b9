using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hub.Testing;

namespace Hub.Chaos.Tests.Support;

/// <summary>
/// A real <c>hub serve</c> (or <c>hub worker</c>) on 127.0.0.1 with short job timings, for scenarios that kill
/// processes. The first start on an empty database prints an admin token, which the scenario keeps.
/// </summary>
public static partial class ServeProcess
{
    public static Dictionary<string, string?> Env(string? connectionString, string dataDir, IDictionary<string, string?>? extra = null)
    {
        var env = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Hub"] = connectionString,
            ["Hub__DataDir"] = dataDir,
            ["Hub__Network__AllowPrivateNetworks"] = "true",
            ["Hub__Jobs__LeaseDuration"] = "00:00:05",
            ["Hub__Jobs__HeartbeatInterval"] = "00:00:01",
            ["Hub__Jobs__ReapInterval"] = "00:00:01",
            ["Hub__Jobs__PollInterval"] = "00:00:01",
            ["Hub__Jobs__RetryBaseDelay"] = "00:00:01",
            ["Hub__Jobs__RetryMaxDelay"] = "00:00:04",
            ["Hub__Jobs__MaxAttempts"] = "5",
            ["Hub__Jobs__ProgressSaveInterval"] = "00:00:00.2",
            ["Hub__Database__SuperviseInterval"] = "00:00:00.5",
            // Every optional background loop on, so a fault reaches each of them (the library watcher once stopped the
            // whole host when the database went away).
            ["Hub__Scanner__Watch"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Hub"] = "Information",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            env[k] = v;
        }
        return env;
    }

    /// <summary>Starts <c>hub serve</c> on <paramref name="port"/> and waits until it answers /health/live.</summary>
    public static async Task<HubProcess> StartAsync(int port, IDictionary<string, string?> env)
    {
        var process = HubProcess.Start(["serve", $"--urls=http://127.0.0.1:{port}"], env);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Wait.UntilAsync(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException("hub serve exited:\n" + process.Stdout + process.Stderr);
                return (await http.GetAsync($"http://127.0.0.1:{port}/health/live")).IsSuccessStatusCode;
            }, "hub serve to answer", TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "\nstdout:\n" + process.Stdout + "\nstderr:\n" + process.Stderr);
        }
        return process;
    }

    /// <summary>The admin token a first start prints once.</summary>
    public static async Task<string> FirstTokenAsync(HubProcess process)
    {
        await process.WaitForOutputAsync("Admin token", TimeSpan.FromSeconds(60));
        string? token = null;
        await Wait.UntilAsync(() => Task.FromResult((token = TokenPattern().Match(process.Stdout) is { Success: true } m ? m.Value : null) is not null),
            "the first-start admin token", TimeSpan.FromSeconds(30));
        return token!;
    }

    [GeneratedRegex(@"hub_[A-Za-z0-9_\-]{16,}")]
    private static partial Regex TokenPattern();

    /// <summary>POST /api/v1/imports; the new job's id.</summary>
    public static async Task<Guid> ImportAsync(HttpClient api, string url)
    {
        using var response = await api.PostAsJsonAsync("/api/v1/imports", new { url });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"import {url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>A GET whose answer only feeds the status log (a connection refused while Hub is down is expected).</summary>
    public static async Task PokeAsync(HttpClient api, string path)
    {
        try
        {
            using var response = await api.GetAsync(path);
            await response.Content.LoadIntoBufferAsync();
        }
        catch (HttpRequestException)
        {
        }
        catch (TaskCanceledException)
        {
        }
    }
}

/// <summary>Reads a job through the API (so every poll is an answer the status log records).</summary>
public static class JobApi
{
    public static async Task<(string? State, string? ErrorKind, string? Error)> GetAsync(HttpClient api, Guid id)
    {
        try
        {
            using var response = await api.GetAsync($"/api/v1/jobs/{id}");
            if (!response.IsSuccessStatusCode)
            {
                return (null, null, null);
            }
            var job = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return (job.GetProperty("state").GetString(), Str(job, "errorKind"), Str(job, "error"));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return (null, null, null);
        }
    }

    /// <summary>Polls the job through the API until it is completed, failed or cancelled.</summary>
    public static async Task<(string? State, string? ErrorKind, string? Error)> WaitForEndAsync(HttpClient api, Guid id, TimeSpan timeout)
    {
        (string? State, string? ErrorKind, string? Error) last = default;
        await Wait.UntilAsync(async () => (last = await GetAsync(api, id)).State is "completed" or "failed" or "cancelled", $"job {id} to end", timeout);
        return last;
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
