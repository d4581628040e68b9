using System.Collections.Concurrent;
using System.Net;
using Hub.Domain.Net;

namespace Hub.Domain.Tests.Net;

/// <summary>Maps made-up host names to addresses; never asks DNS. Unknown names fail like NXDOMAIN.</summary>
public sealed class FakeHostResolver : IHostResolver
{
    private readonly ConcurrentDictionary<string, Func<int, IPAddress[]>> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.OrdinalIgnoreCase);

    public FakeHostResolver Map(string host, params string[] addresses)
    {
        _names[host] = _ => addresses.Select(IPAddress.Parse).ToArray();
        return this;
    }

    /// <summary>Answers differently per call (call numbers start at 1), like a rebinding attacker's DNS server.</summary>
    public FakeHostResolver MapPerCall(string host, Func<int, string[]> answer)
    {
        _names[host] = n => answer(n).Select(IPAddress.Parse).ToArray();
        return this;
    }

    public int Calls(string host) => _calls.GetValueOrDefault(host);

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var n = _calls.AddOrUpdate(host, 1, (_, c) => c + 1);
        return _names.TryGetValue(host, out var answer)
            ? Task.FromResult(answer(n))
            : Task.FromException<IPAddress[]>(new HostNotResolvedException(host));
    }
}
