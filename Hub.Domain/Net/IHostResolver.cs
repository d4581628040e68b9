using System.Net;
using System.Net.Sockets;

namespace Hub.Domain.Net;

/// <summary>Turns a host name into addresses. A seam so tests can map made-up names without DNS.</summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The operating system's resolver (getaddrinfo: /etc/hosts, then DNS).</summary>
public sealed class SystemHostResolver : IHostResolver
{
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            return await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new HostNotResolvedException(host, ex);
        }
    }
}

/// <summary>A host name did not resolve (no such name, no DNS server, temporary failure).</summary>
public sealed class HostNotResolvedException(string host, Exception? inner = null)
    : Exception($"The host name '{host}' could not be resolved{(inner is null ? "" : ": " + inner.Message)}", inner)
{
    public string Host { get; } = host;
}
