using Hub.Domain.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hub.Host.Cli;

/// <summary>What <c>hub serve</c> does beyond running its host (built by <see cref="HubHost"/>).</summary>
public static class ServeCommand
{
    /// <summary>On the very first start there is no token at all: make an admin one and show it once.</summary>
    public static async Task PrintFirstStartAsync(WebApplication app)
    {
        var tokens = app.Services.GetRequiredService<TokenService>();
        var url = app.Urls.FirstOrDefault() ?? HubHost.DefaultUrl;
        if (await tokens.AnyAsync(app.Lifetime.ApplicationStopping))
        {
            return;
        }
        var created = await tokens.CreateAsync("admin", Roles.Admin, app.Lifetime.ApplicationStopping);
        // Written to stdout directly, not through logging: logs never carry tokens.
        Console.WriteLine($"""

            ============================================================
             Hub is running for the first time.
             Web admin:  {url.TrimEnd('/')}/admin/
             API:        {url.TrimEnd('/')}/api/v1/   (Authorization: Bearer <token>)
             Admin token (shown once; create more with `hub token create`):

             {created.Secret}
            ============================================================

            """);
    }
}
