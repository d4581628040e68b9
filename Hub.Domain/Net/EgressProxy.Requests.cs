using System.Net.Sockets;
using System.Security.Cryptography;
using Hub.Domain.Imports;
using Microsoft.Extensions.Logging;

namespace Hub.Domain.Net;

/// <summary>The two things the egress proxy does with an authorised request: tunnel (CONNECT) or forward (plain http).</summary>
public sealed partial class EgressProxy
{
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
}
