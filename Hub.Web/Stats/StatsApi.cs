using System.Security.Claims;
using Hub.Domain;
using Hub.Domain.Stats;
using Hub.Web.Auth;
using Hub.Web.Entries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Stats;

/// <summary><c>/api/v1/stats</c>: what the library holds, and how it is streamed and downloaded.</summary>
public static class StatsApi
{
    public static RouteGroupBuilder MapStats(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/stats").WithTags("Statistics");
        g.MapGet("/", Library).WithName("GetStats")
            .WithSummary("Entries and bytes by library, media kind, container and platform; imports per day over the last `days` days (default 30, 1 to 3660, 0 = all time) "
                + "or from `from` to `to` (UTC days YYYY-MM-DD, both included; to defaults to today; instead of days); importsFrom and importsTo are the first and last day covered; "
                + "jobs by state; storage used and free (the media folder's path for admins only).")
            .ProducesValidationProblem();
        g.MapGet("/downloads", Downloads).WithName("GetDownloadStats")
            .WithSummary("Stream and download events in [from, to) (default: 30 days), optionally for one entry or kind: totals, per day, top 10 entries.");
        return api;
    }

    private static async Task<Ok<LibraryStats>> Library(ClaimsPrincipal user, StatsService stats, TimeProvider time, [FromQuery] string? days,
        [FromQuery] string? from, [FromQuery] string? to, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(from) || !string.IsNullOrWhiteSpace(to))
        {
            if (!string.IsNullOrWhiteSpace(days))
            {
                throw new HubValidationException("days", "Ask for days or for from/to, not both.");
            }
            if (string.IsNullOrWhiteSpace(from))
            {
                throw new HubValidationException("from", "A range needs its first day (from=YYYY-MM-DD).");
            }
            var last = string.IsNullOrWhiteSpace(to) ? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime) : Day(to, "to");
            return TypedResults.Ok(await stats.LibraryAsync(user.ToRequester(), Day(from, "from"), last, ct));
        }
        var importDays = string.IsNullOrWhiteSpace(days) ? StatsService.ImportDays
            : days.Trim() == "all" ? 0
            : int.TryParse(days, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n
            : throw new HubValidationException("days", "days must be a whole number of days (0 or all for all time).");
        return TypedResults.Ok(await stats.LibraryAsync(user.ToRequester(), importDays, ct));
    }

    private static DateOnly Day(string value, string field) =>
        DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day)
            ? day : throw new HubValidationException(field, $"{field} must be a day written YYYY-MM-DD, like 2026-01-31.");

    private static async Task<Ok<DownloadStats>> Downloads(StatsService stats, [FromQuery] string? from, [FromQuery] string? to,
        [FromQuery] string? entry, [FromQuery] string? kind, CancellationToken ct)
    {
        Guid? entryId = string.IsNullOrWhiteSpace(entry) ? null
            : Guid.TryParse(entry, out var g) ? g : throw new HubValidationException("entry", "entry must be an entry id.");
        return TypedResults.Ok(await stats.DownloadsAsync(new DownloadFilter(EntriesApi.Date(from, "from"), EntriesApi.Date(to, "to"), entryId,
            string.IsNullOrWhiteSpace(kind) ? null : kind.Trim().ToLowerInvariant()), ct));
    }
}
