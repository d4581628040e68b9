using Hub.Domain.Tools;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hub.Web.Health;

/// <summary>The yt-dlp in use, its age and where it comes from; Degraded when it is outdated (video sites change weekly).</summary>
public sealed class YtDlpHealthCheck(YtDlpStatusReader reader) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var s = await reader.GetAsync(cancellationToken).ConfigureAwait(false);
        var data = new Dictionary<string, object>
        {
            ["version"] = s.Version ?? "missing",
            ["ageDays"] = s.AgeDays is { } age ? age : "unknown",
            ["source"] = s.Source,
            ["jsRuntime"] = s.JsRuntime,
            ["channel"] = s.Channel,
            ["scheduledChecks"] = s.ScheduledChecks,
        };
        if (s.PreviousVersion is { } previous) data["previousVersion"] = previous;
        return s.Version is null || s.Outdated
            ? HealthCheckResult.Degraded(s.Summary, data: data)
            : HealthCheckResult.Healthy(s.Summary, data);
    }
}
