using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Access;

/// <summary>
/// Where absolute links to Hub (signed stream links in chats, M3U playlists, API answers) point: <c>Hub:PublicUrl</c>
/// when set, else the address this process's server listens on when that is a concrete one (not 0.0.0.0 or [::]),
/// else nothing (doors then give a path, or no link). Never the Host header of a request: anyone can write one, and a
/// link built from it would send a player, a chat or a playlist to the writer's server.
/// </summary>
public sealed class PublicAddress(IOptions<HubOptions> options, IServiceProvider services)
{
    public Uri? Base => options.Value.PublicUrl is { Length: > 0 } p ? new Uri(p.TrimEnd('/') + "/") : ListenAddress();

    private Uri? ListenAddress()
    {
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is null)
        {
            return null;
        }
        foreach (var address in addresses)
        {
            if (Uri.TryCreate(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal),
                    UriKind.Absolute, out var uri)
                && uri.Host is not ("0.0.0.0" or "[::]" or "::") && uri.Port != 0)
            {
                return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
            }
        }
        return null;
    }
}
