using System.Collections.Concurrent;
using System.Net.Http.Headers;

namespace Hub.Chaos.Tests.Support;

/// <summary>
/// Every answer Hub gave during a scenario, by status code; a request that got no answer at all (the process was
/// killed, the port was closed) is counted as <c>no-answer</c>. The rule under test: 2xx, 4xx or 503, never another 5xx.
/// </summary>
public sealed class StatusLog : DelegatingHandler
{
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentQueue<string> _bad = new();

    /// <summary>Over real sockets, for a <c>hub serve</c> process.</summary>
    public StatusLog() : base(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30), MaxConnectionsPerServer = 256 })
    {
    }

    /// <summary>Without an inner handler, for <c>WebApplicationFactory.CreateDefaultClient</c> to complete.</summary>
    public StatusLog(bool inProcess)
    {
        _ = inProcess;
    }

    public int Total => _counts.Values.Sum();

    public int Count(string key) => _counts.GetValueOrDefault(key);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException)
        {
            _counts.AddOrUpdate("no-answer", 1, (_, n) => n + 1);
            throw;
        }
        var code = (int)response.StatusCode;
        _counts.AddOrUpdate(code.ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
        if (code >= 500 && code != 503)
        {
            var body = response.Content is null ? "" : await response.Content.ReadAsStringAsync(cancellationToken);
            _bad.Enqueue($"{request.Method} {request.RequestUri?.PathAndQuery} → {code} {body[..Math.Min(300, body.Length)]}");
        }
        return response;
    }

    /// <summary>"200×41 503×7 no-answer×2", sorted.</summary>
    public string Summary() => _counts.IsEmpty ? "none" : string.Join(" ", _counts.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}×{k.Value}"));

    public void AssertNoServerErrors() =>
        Assert.True(_bad.IsEmpty, "answers other than 2xx/4xx/503:\n" + string.Join("\n", _bad.Take(10)));

    public HttpClient Client(Uri baseUri, string? token)
    {
        var client = new HttpClient(this, disposeHandler: false) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }
}
