using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using Hub.Domain.Imports;

namespace Hub.Domain.Net;

/// <summary>
/// The door check for user-supplied URLs: only absolute http(s) without credentials, and only hosts whose every address
/// the network policy allows. <see cref="ConnectAsync"/> is the one way Hub dials a user-chosen host: the HTTP engine
/// (<see cref="GuardedHttp"/>, on every redirect) and the egress proxy (every yt-dlp connection) both go through it.
/// </summary>
public sealed class UrlGuard(NetworkOptions options, IHostResolver resolver)
{
    public const int MaxUrlLength = 4096;

    private readonly NetworkPolicy _policy = NetworkPolicy.From(options);

    public NetworkOptions Options => options;

    /// <summary>Parses and checks the shape of a URL; throws <see cref="ImportFailedException"/> (permanent) when unfit.</summary>
    public static Uri Parse(string? url)
    {
        var text = url?.Trim() ?? "";
        if (text.Length == 0)
        {
            throw ImportFailedException.Permanent("invalid-url", "The URL is empty.");
        }
        if (text.Length > MaxUrlLength)
        {
            throw ImportFailedException.Permanent("invalid-url", $"The URL is longer than {MaxUrlLength} characters.");
        }
        if (text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw ImportFailedException.Permanent("invalid-url", "The URL contains spaces or control characters; encode them.");
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || text.StartsWith('/'))
        {
            // A bare "/path" parses as file:///path on Unix; it is a relative URL to us.
            throw ImportFailedException.Permanent("invalid-url", "This is not an absolute URL (expected http:// or https://).");
        }
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw ImportFailedException.Permanent("blocked-scheme", $"Only http and https URLs are fetched, not '{uri.Scheme}:'.");
        }
        if (uri.UserInfo.Length > 0)
        {
            throw ImportFailedException.Permanent("invalid-url", "URLs with a user name or password (user:pass@host) are not accepted.");
        }
        if (uri.IdnHost.Length == 0)
        {
            throw ImportFailedException.Permanent("invalid-url", "The URL has no host.");
        }
        return uri;
    }

    /// <summary>Throws unless every address the URL's host resolves to is allowed; returns those addresses.</summary>
    public async Task<IPAddress[]> EnsureAllowedAsync(Uri uri, CancellationToken cancellationToken) =>
        await ResolveAllowedAsync(uri.IdnHost, uri.Port, cancellationToken).ConfigureAwait(false);

    /// <summary>Resolves a host (IP literals in any spelling are parsed, not looked up) and applies the policy to ALL results.</summary>
    public async Task<IPAddress[]> ResolveAllowedAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw ImportFailedException.Retryable("dns", $"The host name '{host}' has no addresses.");
        }
        foreach (var address in addresses)
        {
            if (_policy.Refusal(address, port) is { } why)
            {
                // "'10.0.0.1' is a private address" for an address written as itself; "resolves to" for names and other spellings.
                throw ImportFailedException.Permanent("blocked-address", host.Trim('[', ']') == address.ToString() && why.StartsWith('a')
                    ? $"'{host}' is {why}." : $"'{host}' resolves to {address}, {why}.");
            }
        }
        return addresses;
    }

    /// <summary>
    /// Resolves, checks every address, then dials the checked addresses in order (never resolving again, which defeats
    /// DNS rebinding). Refusals throw <see cref="ImportFailedException"/> before any socket exists; the last connect
    /// error is rethrown as a <see cref="SocketException"/> when no address answers.
    /// </summary>
    public async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAllowedAsync(host, port, cancellationToken).ConfigureAwait(false);
        ExceptionDispatchInfo? last = null;
        foreach (var address in addresses)
        {
            var target = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(target, port), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ExceptionDispatchInfo.Capture(ex);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        last!.Throw();
        throw new UnreachableException();
    }

    private async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var h = host.Trim('[', ']').TrimEnd('.');
        // IPAddress.TryParse accepts what inet_aton does (127.1, 0x7f.1, 2130706433), so odd spellings meet the classifier as what they are.
        if (IPAddress.TryParse(h, out var literal))
        {
            return [literal];
        }
        // RFC 6761: localhost names never leave the machine, whatever a resolver says.
        if (h.Equals("localhost", StringComparison.OrdinalIgnoreCase) || h.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return [IPAddress.Loopback, IPAddress.IPv6Loopback];
        }
        try
        {
            return await resolver.ResolveAsync(h, cancellationToken).ConfigureAwait(false);
        }
        catch (HostNotResolvedException ex)
        {
            throw ImportFailedException.Retryable("dns", ex.Message + ".", ex);
        }
    }
}
