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
