using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hub.Web.RateLimits;

/// <summary><c>Hub:RateLimits</c>: per client address, per minute. 0 turns a limit off.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Hub:RateLimits";

    /// <summary>Requests to endpoints that need no token (signed links) from one address.</summary>
    public int TokenlessPerMinute { get; set; } = 600;

    /// <summary>Failed sign-ins (unknown or revoked tokens, through REST, the admin or MCP) from one address.</summary>
    public int SignInFailuresPerMinute { get; set; } = 10;
}

/// <summary>
/// Per-address limits, on ASP.NET Core's rate limiter (System.Threading.RateLimiting): endpoints without a token carry
/// the <see cref="Tokenless"/> policy; failed sign-ins are counted by <see cref="SignInThrottle"/>. Both answer 429 with
/// <c>Retry-After</c> and a problem of type <c>rate-limited</c>. The address is the connection's: behind a reverse proxy
/// every client shares the proxy's, so limits then apply to all of them together (forwarded headers are not trusted,
/// since any client can write them).
/// </summary>
public static class ClientRateLimits
{
    public const string Tokenless = "tokenless";

    public static IServiceCollection AddHubRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section))
            .Validate(o => o.TokenlessPerMinute >= 0 && o.SignInFailuresPerMinute >= 0, "Hub:RateLimits values are 0 (off) or more.").ValidateOnStart();
        services.AddSingleton<SignInThrottle>();
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(Tokenless, context =>
            {
                var limit = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.TokenlessPerMinute;
                return limit == 0 ? RateLimitPartition.GetNoLimiter(ClientKey(context))
                    : RateLimitPartition.GetFixedWindowLimiter(ClientKey(context), _ => PerMinute(limit));
            });
            o.OnRejected = (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                return new ValueTask(WriteTooManyAsync(rejected.HttpContext, retryAfter, "Too many requests from your address."));
            };
        });
        return services;
    }

    public static FixedWindowRateLimiterOptions PerMinute(int limit) =>
        new() { PermitLimit = limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true };

    /// <summary>The partition key: the client's address as the connection gives it.</summary>
    public static string ClientKey(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    public static Task WriteTooManyAsync(HttpContext context, TimeSpan retryAfter, string detail)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests",
            $"{detail} Retry after {seconds} s.");
    }
}
