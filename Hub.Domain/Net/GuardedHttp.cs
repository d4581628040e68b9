using System.Net;
using System.Net.Sockets;
using Hub.Domain.Imports;

namespace Hub.Domain.Net;

/// <summary>
/// The one HttpClient for user-supplied URLs. It checks the URL and its addresses before sending, checks the addresses
/// again inside the connect callback (the address it dials is the address it checked, which defeats DNS rebinding),
/// and follows redirects itself so each hop meets the same checks. No proxy, no cookies, no decompression.
/// </summary>
public sealed class GuardedHttp : IDisposable
{
    private readonly UrlGuard _guard;
    private readonly HttpClient _client;

    public GuardedHttp(UrlGuard guard)
    {
        _guard = guard;
        var options = guard.Options;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            // A proxy would make us dial the proxy instead of the checked address.
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds),
            // Pooled connections skip the connect callback; recycling them bounds how long an old DNS answer lives.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
    }

    public NetworkOptions Options => _guard.Options;

    /// <summary>
    /// Sends a request, following up to <see cref="NetworkOptions.MaxRedirects"/> redirects (303, and 301/302 after a
    /// POST, become GET). Returns the final response, whatever its status; its RequestMessage holds the final URL.
    /// Network failures become retryable <see cref="ImportFailedException"/>s ("network", "timeout"); policy refusals
    /// are permanent ("blocked-address", "blocked-scheme", "too-many-redirects").
    /// </summary>
    /// <param name="followRedirects">False returns a redirect as it is (webhooks: a target is the URL an admin gave, not where it points).</param>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken,
        bool followRedirects = true)
    {
        var current = request;
        for (var hop = 0; ; hop++)
        {
            var uri = current.RequestUri ?? throw new ArgumentException("The request has no URL.", nameof(request));
            UrlGuard.Parse(uri.AbsoluteUri);
            await _guard.EnsureAllowedAsync(uri, cancellationToken).ConfigureAwait(false);

            var response = await SendOnceAsync(current, completion, cancellationToken).ConfigureAwait(false);
            if (!followRedirects || !IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
            {
                return response;
            }
            response.Dispose();
            if (hop >= Options.MaxRedirects)
            {
                throw ImportFailedException.Permanent("too-many-redirects",
                    $"{request.RequestUri!.Host} redirected more than {Options.MaxRedirects} times.");
            }
            var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
            UrlGuard.Parse(next.AbsoluteUri);
            current = Follow(current, response.StatusCode, next);
        }
    }

    /// <summary>A GET with the guard's rules, for callers that do not need to shape the request.</summary>
    public Task<HttpResponseMessage> GetAsync(Uri uri, HttpCompletionOption completion, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, uri), completion, cancellationToken);

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Options.ResponseTimeoutSeconds));
        try
        {
            return await _client.SendAsync(request, completion, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw ImportFailedException.Retryable("timeout",
                $"{request.RequestUri!.Host} did not answer within {Options.ResponseTimeoutSeconds} s.");
        }
        catch (Exception ex) when ((ex is HttpRequestException or IOException or SocketException) && !cancellationToken.IsCancellationRequested)
        {
            throw HttpFailures.FromException(ex, request.RequestUri!);
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static HttpRequestMessage Follow(HttpRequestMessage previous, HttpStatusCode status, Uri next)
    {
        var toGet = status == HttpStatusCode.SeeOther && previous.Method != HttpMethod.Head
            || status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found && previous.Method == HttpMethod.Post;
        var message = new HttpRequestMessage(toGet ? HttpMethod.Get : previous.Method, next)
        {
            Version = previous.Version,
            VersionPolicy = previous.VersionPolicy,
            Content = toGet ? null : previous.Content,
        };
        var sameOrigin = Uri.Compare(previous.RequestUri, next, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
        foreach (var (name, values) in previous.Headers)
        {
            // Credentials stay with the origin they were meant for; Host must follow the new URL.
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)
                || !sameOrigin && (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || name.Equals("Cookie", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            message.Headers.TryAddWithoutValidation(name, values);
        }
        return message;
    }

    // The address it dials is the address the guard checked, for every hop.
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken) =>
        new NetworkStream(await _guard.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false), ownsSocket: true);

    public void Dispose() => _client.Dispose();
}
