using Hub.Web.Cors;
using Hub.Web.Health;
using Hub.Web.Imports;
using Hub.Web.Inbox;
using Hub.Web.Jobs;
using Hub.Web.Libraries;
using Hub.Web.Me;
using Hub.Web.Telegram;
using Hub.Web.Tokens;
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

        app.MapHealth();
        app.MapOpenApi("/openapi/{documentName}.json");

        var api = app.MapGroup("/api/v1").RequireAuthorization();
        api.MapMe();
        api.MapTokens();
        api.RequireCors(ApiCors.PolicyName);
        api.MapImports();
        api.MapJobs();
        api.MapInbox();
        api.MapLibraries();
        api.MapTelegram();
        return app;
    }
}
