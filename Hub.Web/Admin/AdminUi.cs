using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;

namespace Hub.Web.Admin;

/// <summary>
/// The web admin: static files embedded in this assembly (no build step, nothing on disk to lose), served at /admin/.
/// Everything it shows comes from /api/v1 with the token the person logs in with.
/// </summary>
public static class AdminUi
{
    public static WebApplication MapAdminUi(this WebApplication app)
    {
        var files = new EmbeddedFileProvider(typeof(AdminUi).Assembly, "Hub.Web.wwwroot.admin");
        // A middleware, not an endpoint: a routed "/admin" would also match "/admin/" and shadow the static files.
        app.Use((context, next) =>
        {
            // "/" leads to the admin too: it is what a person opening Hub's address wants.
            if (context.Request.Path.Value is "/admin" or "/" or "")
            {
                context.Response.Redirect("/admin/");
                return Task.CompletedTask;
            }
            return next(context);
        });
        app.UseDefaultFiles(new DefaultFilesOptions { RequestPath = "/admin", FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = "/admin",
            FileProvider = files,
            OnPrepareResponse = ctx =>
            {
                // The page handles tokens: no framing by other sites, no guessing of types, no caching of stale code.
                var h = ctx.Context.Response.Headers;
                h.XFrameOptions = "DENY";
                h.XContentTypeOptions = "nosniff";
                h.CacheControl = "no-cache";
                h["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
                h["Referrer-Policy"] = "no-referrer";
            },
        });
        return app;
    }
}
