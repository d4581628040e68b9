using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Hub.Domain.Imports;
using Microsoft.Extensions.Logging;

namespace Hub.Domain.Net;

/// <summary>
/// Hub's egress proxy on 127.0.0.1: the only way out for the tools Hub runs (yt-dlp, ffmpeg when yt-dlp hands it a URL,
/// later aria2), so each of their connections meets the same <see cref="UrlGuard"/> as the HTTP engine, on the address
/// actually dialled: after DNS, per redirect, per segment. CONNECT for https, absolute-form requests for plain http.
/// Only holders of the per-process random credential in <see cref="ProxyUri"/> may use it; others get 407.
/// A refusal answers 403 with "[hub-egress REF]" and the guard's message in the reason phrase (which is what tools
/// print); <see cref="FailureIn"/> turns that reference in a tool's output back into the guard's own error.
/// </summary>
public sealed partial class EgressProxy(UrlGuard guard, ILogger<EgressProxy> logger) : IAsyncDisposable, IDisposable
{
    public const int MaxConnections = 128;
    private const string ReferenceMarker = "[hub-egress ";
    private const string User = "hub";
    private const int KeptFailures = 512;
    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(30);

    private readonly string _secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _slots = new(MaxConnections, MaxConnections);
    private readonly ConcurrentDictionary<Task, bool> _connections = new();
    private readonly ConcurrentDictionary<string, ImportFailedException> _failures = new();
    private readonly ConcurrentQueue<string> _failureOrder = new();
    private readonly Lock _gate = new();
    private byte[]? _expectedAuth;
    private TcpListener? _listener;
    private Task? _acceptLoop;
    private Uri? _proxyUri;

    private NetworkOptions Options => guard.Options;

    private TimeSpan Idle => TimeSpan.FromSeconds(Math.Max(Options.ResponseTimeoutSeconds, Options.ReadTimeoutSeconds));

    /// <summary>
    /// <c>http://hub:SECRET@127.0.0.1:PORT/</c>, the one way to reach the proxy; it starts on first use. It holds the
    /// credential: hand it to child processes through their environment, never log it or put it on a command line.
    /// </summary>
    public Uri ProxyUri
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
                if (_proxyUri is null)
                {
                    var listener = new TcpListener(IPAddress.Loopback, 0);
                    listener.Start(MaxConnections);
                    var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                    _expectedAuth = Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.ASCII.GetBytes($"{User}:{_secret}")));
                    _listener = listener;
                    _proxyUri = new Uri($"http://{User}:{_secret}@127.0.0.1:{port}/");
                    _acceptLoop = AcceptLoopAsync(listener, _stopping.Token);
                    logger.LogInformation("Egress proxy for Hub's tools listening on 127.0.0.1:{Port}", port);
                }
                return _proxyUri;
            }
        }
    }

    /// <summary>
    /// The environment for a child process that must reach the network only through this proxy: the http(s) proxy
    /// variables in both spellings point here, and every variable that could exempt a host or name another proxy
    /// (no_proxy, all_proxy, ...) is removed. The environment, unlike the command line, is not readable by other users.
    /// </summary>
    public IReadOnlyDictionary<string, string?> ToolEnvironment
    {
        get
        {
            var proxy = ProxyUri.AbsoluteUri;
            var env = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var name in new[] { "http_proxy", "https_proxy" })
            {
                env[name] = proxy;
                env[name.ToUpperInvariant()] = proxy;
            }
            foreach (var name in new[] { "no_proxy", "all_proxy", "ftp_proxy", "socks_proxy", "rsync_proxy" })
            {
                env[name] = null;
                env[name.ToUpperInvariant()] = null;
            }
            return env;
        }
    }

    /// <summary>The guard's error behind the first refusal reference found in a tool's output; null when there is none.</summary>
    public ImportFailedException? FailureIn(string output)
    {
        foreach (Match m in FailureReference().Matches(output))
        {
            if (_failures.TryGetValue(m.Groups[1].Value, out var e))
            {
                return new ImportFailedException(e.Type, e.Message, e.Transient);
            }
        }
        return null;
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                // Bounded: past MaxConnections, new clients wait in the listen backlog.
                await _slots.WaitAsync(stopping).ConfigureAwait(false);
                Socket socket;
                try
                {
                    socket = await listener.AcceptSocketAsync(stopping).ConfigureAwait(false);
                }
                catch
                {
                    _slots.Release();
                    throw;
                }
                var connection = ServeAsync(socket, stopping);
                _connections.TryAdd(connection, true);
                _ = connection.ContinueWith(static (t, all) => ((ConcurrentDictionary<Task, bool>)all!).TryRemove(t, out _), _connections,
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            catch (Exception ex) when (stopping.IsCancellationRequested && ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException ex)
            {
                logger.LogWarning(ex, "Egress proxy could not accept a connection");
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One client connection: one request (or one tunnel), then the connection closes. Never throws.</summary>
    private async Task ServeAsync(Socket socket, CancellationToken stopping)
    {
        try
        {
            socket.NoDelay = true;
            await using var client = new NetworkStream(socket, ownsSocket: true);
            var reader = new HeadReader(client);
            HttpHead? request;
            using (var headTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                headTimeout.CancelAfter(HeadTimeout);
                try
                {
                    request = await reader.ReadAsync(headTimeout.Token).ConfigureAwait(false);
                }
                catch (InvalidDataException ex)
                {
                    await ProxyWire.WriteStatusAsync(client, 400, "Bad Request", ex.Message, null, stopping).ConfigureAwait(false);
                    return;
                }
            }
            var parts = request?.StartLine.Split(' ');
            if (request is null || parts is not { Length: 3 } || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            {
                return;
            }
            if (!IsAuthorised(request))
            {
                await ProxyWire.WriteStatusAsync(client, 407, "Proxy Authentication Required", "This proxy serves Hub's own tools only.",
                    [new("Proxy-Authenticate", "Basic realm=\"hub-egress\"")], stopping).ConfigureAwait(false);
                return;
            }
            if (parts[0] == "CONNECT")
            {
                await TunnelAsync(client, reader, parts[1], stopping).ConfigureAwait(false);
            }
            else
            {
                await ForwardAsync(client, reader, request, parts, stopping).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ProxyWire.IsConnectionEnd(ex))
        {
            logger.LogDebug("Egress proxy connection ended: {Reason}", ex.Message);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Egress proxy connection failed");
        }
        finally
        {
            _slots.Release();
        }
    }

    private bool IsAuthorised(HttpHead request)
    {
        var value = request["Proxy-Authorization"];
        return value is not null && value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(value[6..].Trim()), _expectedAuth);
    }

    private async Task TunnelAsync(NetworkStream client, HeadReader reader, string target, CancellationToken stopping)
    {
        // CONNECT names host:port (RFC 9110 9.3.6), nothing more.
        var colon = target.LastIndexOf(':');
        if (colon <= 0 || colon < target.LastIndexOf(']') || !TryAuthority(target, out var host, out var port))
        {
            await ProxyWire.WriteStatusAsync(client, 400, "Bad Request", "CONNECT needs host:port.", null, stopping).ConfigureAwait(false);
            return;
        }
        await using var upstream = await OpenAsync(client, host, port, stopping).ConfigureAwait(false);
        if (upstream is null)
        {
            return;
        }
        await client.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), stopping).ConfigureAwait(false);
        await upstream.WriteAsync(reader.Rest, stopping).ConfigureAwait(false);
        await ProxyWire.RelayAsync(client, upstream, Idle, null, stopping).ConfigureAwait(false);
    }

    /// <summary>
    /// Plain http: exactly one request per client connection. The request goes upstream with <c>Connection: close</c>
    /// and so does the answer to the client, so both sides end the exchange by closing and no byte after the first
    /// request can reach another host without a new, checked connection. That needs no request or body parser beyond
    /// the heads; keep-alive is given up on plain http only, which yt-dlp (urllib: one request per connection) never uses.
    /// </summary>
    private async Task ForwardAsync(NetworkStream client, HeadReader reader, HttpHead request, string[] parts, CancellationToken stopping)
    {
        var target = parts[1];
        var authority = "";
        var path = "/";
        if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            var rest = target[7..];
            var cut = rest.IndexOfAny(['/', '?']);
            (authority, path) = cut < 0 ? (rest, "/") : (rest[..cut], rest[cut] == '?' ? "/" + rest[cut..] : rest[cut..]);
        }
        if (authority.Length == 0 || !TryAuthority(authority, out var host, out var port))
        {
            await ProxyWire.WriteStatusAsync(client, 400, "Bad Request", "Only absolute http:// targets, or CONNECT host:port for https.", null, stopping)
                .ConfigureAwait(false);
            return;
        }
        await using var upstream = await OpenAsync(client, host, port, stopping).ConfigureAwait(false);
        if (upstream is null)
        {
            return;
        }
        // The raw path goes on as the client wrote it: Uri would re-escape it and break signed segment URLs.
        var head = request.ForNextHop($"{parts[0]} {path} {parts[2]}", [new("Host", authority)]);
        await upstream.WriteAsync(head.ToBytes(), stopping).ConfigureAwait(false);
        await upstream.WriteAsync(reader.Rest, stopping).ConfigureAwait(false);
        await ProxyWire.RelayAsync(client, upstream, Idle, AnswerHeadAsync, stopping).ConfigureAwait(false);

        async Task<ReadOnlyMemory<byte>> AnswerHeadAsync(CancellationToken cancellationToken)
        {
            var answers = new HeadReader(upstream);
            while (await answers.ReadAsync(cancellationToken).ConfigureAwait(false) is { } answer)
            {
                // Interim answers (100 Continue) pass as they are; the final one is told the connection closes.
                var interim = answer.StartLine.Split(' ') is [_, [ '1', _, _ ] code, ..] && code != "101";
                await client.WriteAsync((interim ? answer : answer.ForNextHop(answer.StartLine)).ToBytes(), cancellationToken).ConfigureAwait(false);
                if (!interim)
                {
                    return answers.Rest.ToArray();
                }
            }
            throw new InvalidDataException("The server closed the connection without an answer.");
        }
    }

    private static bool TryAuthority(string authority, out string host, out int port)
    {
        (host, port) = ("", 0);
        if (authority.Contains('@') || !Uri.TryCreate("http://" + authority + "/", UriKind.Absolute, out var uri)
            || uri.AbsolutePath != "/" || uri.IdnHost.Length == 0)
        {
            return false;
        }
        (host, port) = (uri.IdnHost, uri.Port);
        return true;
    }

    /// <summary>Dials through the guard; on refusal or failure answers the client itself and returns null.</summary>
    private async Task<NetworkStream?> OpenAsync(NetworkStream client, string host, int port, CancellationToken stopping)
    {
        ImportFailedException failure;
        var status = 502;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(TimeSpan.FromSeconds(Options.ConnectTimeoutSeconds));
        try
        {
            var socket = await guard.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (ImportFailedException ex)
        {
            (failure, status) = (ex, ex.Type == "blocked-address" ? 403 : 502);
        }
        catch (SocketException ex)
        {
            failure = ImportFailedException.Retryable("network", $"Could not connect to {host}:{port}: {ex.Message}.");
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            (failure, status) = (ImportFailedException.Retryable("timeout",
                $"{host}:{port} did not accept a connection within {Options.ConnectTimeoutSeconds} s."), 504);
        }
        var reference = Remember(failure);
        if (status == 403)
        {
            logger.LogWarning("Egress proxy refused {Host}:{Port}: {Reason}", host, port, failure.Message);
        }
        var text = $"{ReferenceMarker}{reference}] {failure.Message}";
        var reason = (status == 403 ? "Blocked by Hub's network guard " : "Hub egress failed ") + text;
        await ProxyWire.WriteStatusAsync(client, status, reason, text, [new("X-Hub-Egress", ProxyWire.Printable(text))], stopping).ConfigureAwait(false);
        return null;
    }

    private string Remember(ImportFailedException failure)
    {
        // Random references: a page cannot guess one and have its text mistaken for another run's refusal.
        var reference = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        _failures[reference] = failure;
        _failureOrder.Enqueue(reference);
        while (_failureOrder.Count > KeptFailures && _failureOrder.TryDequeue(out var old))
        {
            _failures.TryRemove(old, out _);
        }
        return reference;
    }

    public async ValueTask DisposeAsync()
    {
        var loop = Stop();
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }
        await Task.WhenAll(_connections.Keys).ConfigureAwait(false);
    }

    /// <summary>Stops accepting and cancels every connection; they end on their own.</summary>
    public void Dispose() => Stop();

    private Task? Stop()
    {
        lock (_gate)
        {
            if (!_stopping.IsCancellationRequested)
            {
                _stopping.Cancel();
                _listener?.Stop();
            }
            return _acceptLoop;
        }
    }

    [GeneratedRegex(@"\[hub-egress ([0-9a-f]{12})\]", RegexOptions.CultureInvariant)]
    private static partial Regex FailureReference();
}
