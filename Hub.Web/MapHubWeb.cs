using Hub.Web.Admin;
using Hub.Web.Cors;
using Hub.Web.Entries;
using Hub.Web.Health;
using Hub.Web.Imports;
using Hub.Web.Inbox;
using Hub.Web.Info;
using Hub.Web.Jobs;
using Hub.Web.Libraries;
using Hub.Web.Me;
using Hub.Web.Pairing;
using Hub.Web.Playlists;
using Hub.Web.Scanning;
using Hub.Web.Stats;
using Hub.Web.Streaming;
using Hub.Web.Subscriptions;
using Hub.Web.Telegram;
using Hub.Web.Tokens;
using Hub.Web.Tools;
using Hub.Web.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web;

public static class HubWebApplicationExtensions
{
    public static WebApplication MapHubWeb(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapAdminUi();
        app.MapHealth();
        app.MapOpenApi("/openapi/{documentName}.json");

        var api = app.MapGroup("/api/v1").RequireAuthorization();
        api.MapMe();
        api.MapTokens();
        api.MapTools();
        api.RequireCors(ApiCors.PolicyName);
        api.MapInfo();
        api.MapSystem();
        api.MapPairing();
        api.MapImports();
        api.MapJobs();
        api.MapInbox();
        api.MapLibraries();
        api.MapScan();
        api.MapEntries();
        api.MapSubtitles();
        api.MapStreaming();
        api.MapPlaylists();
        api.MapStats();
        app.MapSignedLinks();
        app.MapSignedSubtitles();
        api.MapTelegram();
        api.MapWebhooks();
        api.MapSubscriptions();
        return app;
    }
}
