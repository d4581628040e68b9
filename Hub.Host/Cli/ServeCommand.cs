using Hub.Bot;
using Hub.Domain;
using Hub.Domain.Access;
using Hub.Mcp;
using Hub.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hub.Host.Cli;

/// <summary><c>hub serve</c> (the default): the web API and admin, the bot, MCP over HTTP, and the workers.</summary>
public static class ServeCommand
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public static WebApplication Build(string[] args)
    {
        var hasContentRoot = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json sits next to the program; the test host supplies its own content root.
            ContentRootPath = hasContentRoot ? null : HubHost.ContentRoot,
        });
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        builder.Services.AddHubDomain(builder.Configuration);
        builder.Services.AddHubWorkers();
        builder.Services.AddHubWeb(builder.Configuration);
        builder.Services.AddHubMcpHttp(builder.Configuration);
        builder.Services.AddHubBot(builder.Configuration);

        var app = builder.Build();
        app.MapHubWeb();
        app.MapHubMcp();
        app.MapHubBot();
        return app;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var app = Build(args);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            // A failed start must not leave the private PostgreSQL running behind us.
            await app.Services.GetRequiredService<Hub.Domain.Storage.HubDatabase>().StopAsync(CancellationToken.None);
            throw;
        }
        await PrintFirstStartAsync(app);
        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>On the very first start there is no token at all: make an admin one and show it once.</summary>
    private static async Task PrintFirstStartAsync(WebApplication app)
    {
        var tokens = app.Services.GetRequiredService<TokenService>();
        var url = app.Urls.FirstOrDefault() ?? DefaultUrl;
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
