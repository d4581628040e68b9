using Hub.Domain.Access;
using Hub.Web.Auth;
using Hub.Web.Cors;
using Hub.Web.Health;
using Hub.Web.RateLimits;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Web;

public static class HubWebServiceCollectionExtensions
{
    public const string AdminPolicy = "admin";

    public static IServiceCollection AddHubWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<HubExceptionHandler>();
        services.AddSingleton<RecentErrors>();
        // A query or body the framework cannot bind throws, so the reply's detail says which parameter (else a bare 400).
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower));
        });

        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        // Authentication registers ASP.NET's data protection, whose hosted service loads (and on first start writes) an
        // XML key ring under ~/.aspnet at start-up. Hub protects nothing with it (bearer tokens are looked up, links and
        // webhooks carry Hub's own HMACs), so the key ring is left to be made on first use, which never comes: no key
        // files in the service user's home, and the XML stack stays unloaded (3 MiB of an idle Hub).
        foreach (var keyRingLoader in services.Where(d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService)
            && d.ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService").ToList())
        {
            services.Remove(keyRingLoader);
        }
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(BearerTokenHandler.SchemeName).RequireAuthenticatedUser().Build())
            .AddPolicy(AdminPolicy, p => p.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireAuthenticatedUser().RequireRole(Roles.Admin));

        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [HealthApi.ReadyTag])
            .AddCheck<ToolsHealthCheck>("tools", tags: [HealthApi.ReadyTag])
            .AddCheck<YtDlpHealthCheck>("yt-dlp", tags: [HealthApi.ReadyTag]);

        services.AddOpenApi("v1");

        // The import pipeline's API: server-sent events, CORS for /api/v1 (upload limits are Hub:Uploads, in HubOptions).
        services.AddOptions<Jobs.SseOptions>().Bind(configuration.GetSection("Hub:Sse"))
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero && o.ReconnectDelay >= TimeSpan.Zero, "Hub:Sse intervals must be positive.").ValidateOnStart();
        services.AddOptions<Streaming.AccelRedirectOptions>().Bind(configuration.GetSection(Streaming.AccelRedirectOptions.Section))
            .Validate(o => o.Prefix.StartsWith('/') && !o.Prefix.Contains('?', StringComparison.Ordinal), "Hub:Streaming:AccelRedirect:Prefix is a path such as /hub-files/.")
            .ValidateOnStart();
        services.AddApiCors(configuration);
        services.AddHubRateLimits(configuration);
        // Replies the framework writes itself (routing's 415 for a wrong Content-Type, status pages) get stable types too.
        services.Configure<ProblemDetailsOptions>(o => o.CustomizeProblemDetails += c =>
        {
            if (c.ProblemDetails.Type?.StartsWith(Problems.TypePrefix, StringComparison.Ordinal) != true
                && Problems.TypeForStatus(c.ProblemDetails.Status) is { } type)
            {
                c.ProblemDetails.Type = Problems.TypePrefix + type;
            }
        });
        return services;
    }
}
