using System.ComponentModel;
using System.Security.Claims;
using Hub.Domain.Access;
using Hub.Domain.Stats;
using Microsoft.AspNetCore.Authorization;
using ModelContextProtocol.Server;

namespace Hub.Mcp.Tools;

[McpServerToolType]
public sealed class StatsTools(StatsService stats, ClaimsPrincipal user)
{
    [McpServerTool(Name = "get_stats", ReadOnly = true, Title = "Library statistics", UseStructuredContent = true)]
    [Authorize]
    [Description("Library statistics: entry count and bytes in total and per library, media kind and platform, imports per day " +
        "(last 30 days), jobs per state, free disk space, and stream/download activity over the last N days with the most played entries.")]
    public async Task<StatsView> GetStatsAsync(
        [Description("Activity window in days, 1 to 365 (default 30).")] int days = 30,
        CancellationToken cancellationToken = default)
    {
        var library = await stats.LibraryAsync(RequesterPrincipal.Read(user), cancellationToken).ConfigureAwait(false);
        var downloads = await stats.DownloadsAsync(new DownloadFilter(From: DateTimeOffset.UtcNow.AddDays(-Math.Clamp(days, 1, 365))), cancellationToken)
            .ConfigureAwait(false);
        return new StatsView(library.Entries, library.Bytes, library.ByLibrary, library.ByMediaKind, library.ByPlatform, library.ImportsPerDay,
            library.JobsByState, library.Storage.FreeBytes, downloads.Totals,
            [.. downloads.TopEntries.Select(t => new TopEntryView(t.EntryId, t.Events, t.Bytes, RemoteText.Of(t.Title), t.Plays))]);
    }
}
