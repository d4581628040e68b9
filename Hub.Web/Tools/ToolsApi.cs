using Hub.Domain.Tools;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Tools;

/// <param name="Channel">"stable", "nightly" or a release such as "2025.12.08"; empty: Hub:ToolUpdates:Channel.</param>
public sealed record UpdateToolRequest(string? Channel);

/// <summary><c>/api/v1/tools</c> (admin): the yt-dlp Hub runs, updating it from the signed release, and going back.</summary>
public static class ToolsApi
{
    public static RouteGroupBuilder MapTools(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/tools/yt-dlp").RequireAuthorization(HubWebServiceCollectionExtensions.AdminPolicy).WithTags("Tools");
        g.MapGet("/", GetYtDlp).WithName("GetYtDlp").WithSummary("The yt-dlp in use: version, age, source, JavaScript runtime, previous build.");
        g.MapPost("/update", UpdateYtDlp).WithName("UpdateYtDlp")
            .WithSummary("Fetch the channel's release, verify its signed SHA-256 sums, swap it in and run the canary (rolls back by itself on failure).");
        g.MapPost("/rollback", RollbackYtDlp).WithName("RollbackYtDlp").WithSummary("Go back to the previous yt-dlp build.");
        return api;
    }

    private static async Task<Ok<YtDlpStatus>> GetYtDlp(YtDlpStatusReader reader, CancellationToken ct) =>
        TypedResults.Ok(await reader.GetAsync(ct));

    private static async Task<Ok<ToolUpdateResult>> UpdateYtDlp(UpdateToolRequest? body, YtDlpUpdater updater, CancellationToken ct) =>
        TypedResults.Ok(await updater.UpdateAsync(body?.Channel, ct));

    private static async Task<Ok<ToolUpdateResult>> RollbackYtDlp(YtDlpUpdater updater, CancellationToken ct) =>
        TypedResults.Ok(await updater.RollbackAsync(ct));
}
