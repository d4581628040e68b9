using Hub.Bot;
using Hub.Domain;
using Hub.Domain.Access;
using Hub.Domain.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Host.Cli;

/// <summary>What <c>hub serve</c> does beyond running its host (built by <see cref="HubHost"/>).</summary>
public static class ServeCommand
{
    /// <summary>
    /// At every start: where the admin is, which data folder and database, and warnings about <c>Hub:PublicUrl</c>. On the
    /// very first start (no token at all) it also makes an admin token and shows it once.
    /// </summary>
    public static async Task PrintStartAsync(WebApplication app)
    {
        var hub = app.Services.GetRequiredService<IOptions<HubOptions>>().Value;
        var url = (hub.PublicUrl ?? app.Urls.FirstOrDefault() ?? HubHost.DefaultUrl).TrimEnd('/');
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Hub.Host.Serve");
        var botOn = app.Services.GetRequiredService<IOptions<TelegramOptions>>().Value.Enabled;
        foreach (var warning in PublicUrlWarnings(app.Urls, hub.PublicUrl, botOn))
        {
            logger.LogWarning("{Warning}", warning);
        }

        var tokens = app.Services.GetRequiredService<TokenService>();
        var where = $"""
             Web admin:  {url}/admin/
             API:        {url}/api/v1/   (Authorization: Bearer <token>)
             Data:       {hub.FullDataDir}
             Database:   {app.Services.GetRequiredService<HubDatabase>().Describe()}
             Links:      {url}/{(hub.PublicUrl is null ? "   (in chats, playlists and MCP results; set --Hub:PublicUrl=… if people reach Hub elsewhere)" : "")}
            """;
        if (await tokens.AnyAsync(app.Lifetime.ApplicationStopping))
        {
            Console.WriteLine($"""

                Hub is ready.
                {where}

                """);
            return;
        }
        var created = await tokens.CreateAsync("admin", Roles.Admin, app.Lifetime.ApplicationStopping);
        // Written to stdout directly, not through logging: logs never carry tokens.
        Console.WriteLine($"""

            ============================================================
             Hub is running for the first time.
            {where}
             Admin token (shown once; create more with `hub token create`):

             {created.Secret}
            ============================================================

            """);
    }

    /// <summary>
    /// Links Hub hands out where no request tells it its own address (chat messages, MCP results, playlists) use
    /// <c>Hub:PublicUrl</c>; without it they point at the address Hub listens on, useless beyond this machine.
    /// </summary>
    public static IReadOnlyList<string> PublicUrlWarnings(IEnumerable<string> urls, string? publicUrl, bool botOn)
    {
        if (!string.IsNullOrWhiteSpace(publicUrl))
        {
            return [];
        }
        var warnings = new List<string>();
        var beyond = urls.Where(u => !IsLoopback(u)).ToList();
        if (beyond.Count > 0)
        {
            warnings.Add($"Hub listens beyond this machine ({string.Join(", ", beyond)}) but Hub:PublicUrl is not set: links in chats, playlists " +
                "and MCP results have no address other devices can use. Set it to the address people reach Hub at, e.g. --Hub:PublicUrl=http://192.168.1.10:8080.");
        }
        else if (botOn)
        {
            // Chats are read on phones, which cannot reach this machine's loopback address. MCP alone warns of nothing:
            // a Hub listening on loopback only is reached by MCP clients on this machine, where its links work (the
            // start message names the address links use).
            warnings.Add("Hub:PublicUrl is not set and the Telegram bot is on: the links it sends point at this machine's loopback " +
                "address, which a phone cannot open. Set --Hub:PublicUrl=… to the address people reach Hub at.");
        }
        return warnings;
    }

    private static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }
        return uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));
    }
}
