using System.Reflection;
using Hub.Domain.Engines;
using Hub.Web.RateLimits;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Info;

/// <param name="Version">Hub's version (<c>hub version</c>), without build metadata.</param>
/// <param name="ApiVersion">Bumped when /api/v1 changes in a way clients must know; features are told apart by <paramref name="Capabilities"/>.</param>
/// <param name="Capabilities">What this server can do, by name (see <see cref="InfoApi.Capabilities"/>); clients hide what is missing.</param>
/// <param name="Formats">The format presets imports accept.</param>
public sealed record InfoDto(string Name, string Version, int ApiVersion, IReadOnlyList<string> Capabilities, IReadOnlyList<string> Formats);

/// <summary>
/// <c>GET /api/v1/info</c>: the handshake for clients such as the Chrome extension, answered without a token. It holds
/// nothing a stranger should not know: no addresses, paths, settings or counts.
/// </summary>
public static class InfoApi
{
    public const int ApiVersion = 1;

    /// <summary>
    /// imports, probe, jobs, jobs.stream (SSE), libraries, signed-links, pairing (browser codes and their claim),
    /// telegram-link (<c>/link CODE</c>), imports.clip (a section of a video: <c>clip {startSeconds, endSeconds}</c>),
    /// jobs.media (play a download while it runs: <c>/jobs/{id}/media</c> and its signed links). Clients treat an unknown name as absent, so a name is never reused for
    /// something else.
    /// </summary>
    public static readonly IReadOnlyList<string> Capabilities =
        ["imports", "probe", "jobs", "jobs.stream", "libraries", "signed-links", "pairing", "telegram-link", "imports.clip", "jobs.media"];

    public static string Version { get; } = ReadVersion();

    public static RouteGroupBuilder MapInfo(this RouteGroupBuilder api)
    {
        api.MapGet("/info", GetInfo).WithName("GetInfo").WithTags("Info").AllowAnonymous()
            .RequireRateLimiting(ClientRateLimits.Tokenless)
            .WithSummary("Hub's version, API version and capabilities; no token needed.");
        return api;
    }

    private static Ok<InfoDto> GetInfo() => TypedResults.Ok(new InfoDto("Hub", Version, ApiVersion, Capabilities, FormatPresets.All));

    private static string ReadVersion()
    {
        var informational = typeof(InfoApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}
