using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hub.Web.Cors;

/// <summary>The <c>Hub:Cors</c> section: off unless origins are listed.</summary>
public sealed class HubCorsOptions
{
    /// <summary>Exact origins allowed to call /api/v1 from a browser, e.g. <c>chrome-extension://abcdefghijklmnopabcdefghijklmnop</c>.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    public IEnumerable<string> Problems()
    {
        foreach (var origin in AllowedOrigins)
        {
            if (origin.Contains('*'))
            {
                yield return $"Hub:Cors:AllowedOrigins cannot contain '{origin}': list exact origins (wildcards would let any site use the API with a visitor's token).";
            }
            else if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || origin.EndsWith('/')
                     || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                yield return $"Hub:Cors:AllowedOrigins: '{origin}' is not an origin (scheme://host[:port], no path or trailing slash).";
            }
        }
    }
}

/// <summary>CORS for /api/v1 only, from <see cref="HubCorsOptions"/>; with no origins listed no CORS header is ever sent.</summary>
public static class ApiCors
{
    public const string PolicyName = "hub-api";

    public static readonly string[] Methods = ["GET", "HEAD", "POST", "PATCH", "PUT", "DELETE"];

    public static IServiceCollection AddApiCors(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HubCorsOptions>().Bind(configuration.GetSection("Hub:Cors"))
            .Validate(o => !o.Problems().Any(), "Hub:Cors:AllowedOrigins is invalid: list exact origins such as chrome-extension://<id>, never '*'.")
            .ValidateOnStart();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<HubCorsOptions>>((cors, hub) => cors.AddPolicy(PolicyName, policy => policy
            .WithOrigins(hub.Value.AllowedOrigins)
            .WithMethods(Methods)
            .WithHeaders("Authorization", "Content-Type", "Last-Event-ID")
            .WithExposedHeaders("Location")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        // Bearer tokens travel in a header, not cookies: credentials mode is never enabled.
        return services;
    }
}
