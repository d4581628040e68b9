using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hub.Web.Cors;

/// <summary>The <c>Hub:Cors</c> section: off unless origins are listed.</summary>
public sealed class HubCorsOptions
{
    /// <summary>
    /// The origin of Hub's own Chrome extension: its id is pinned by the <c>key</c> in extension/manifest.json, so this
    /// origin is that extension and no web page. Its pages call /api/v1 before the user grants host access (the
    /// handshake, pairing), which needs CORS.
    /// </summary>
    public const string HubExtensionOrigin = "chrome-extension://ljpnhkdpcoeldfnlcdpehgbbhnkjbglb";

    /// <summary>Exact origins allowed to call /api/v1 from a browser, e.g. <c>chrome-extension://abcdefghijklmnopabcdefghijklmnop</c>
    /// (a store-published build of the extension has the id the store gives it).</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Whether <see cref="HubExtensionOrigin"/> is allowed besides <see cref="AllowedOrigins"/>; on by default.</summary>
    public bool AllowHubExtension { get; set; } = true;

    public string[] EffectiveOrigins() => AllowHubExtension ? [HubExtensionOrigin, .. AllowedOrigins] : AllowedOrigins;

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

/// <summary>
/// CORS for /api/v1 only, from <see cref="HubCorsOptions"/>: Hub's extension and the origins listed, each exactly; a web
/// page's origin never gets a CORS header.
/// </summary>
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
            .WithOrigins(hub.Value.EffectiveOrigins())
            .WithMethods(Methods)
            .WithHeaders(["Authorization", "Content-Type", "Last-Event-ID", .. Imports.ResumableUploadApi.RequestHeaders])
            .WithExposedHeaders(["Location", .. Imports.ResumableUploadApi.ResponseHeaders])
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        // Bearer tokens travel in a header, not cookies: credentials mode is never enabled.
        return services;
    }
}
