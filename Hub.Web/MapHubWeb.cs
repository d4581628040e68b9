using Hub.Web.Health;
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
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealth();
        app.MapOpenApi("/openapi/{documentName}.json");

        var api = app.MapGroup("/api/v1").RequireAuthorization();
        api.MapMe();
        api.MapTokens();
        api.MapTelegram();
        return app;
    }
}
