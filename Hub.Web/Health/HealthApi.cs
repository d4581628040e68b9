using System.Text.Json;
using Hub.Domain.Processes;
using Hub.Domain.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hub.Web.Health;

/// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (database reachable; tools found).</summary>
public static class HealthApi
{
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync });
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            totalMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data,
            }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, new JsonSerializerOptions(JsonSerializerDefaults.Web), context.RequestAborted);
    }
}

public sealed class DatabaseHealthCheck(HubDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!database.IsStarted)
        {
            return HealthCheckResult.Unhealthy("The database is starting.");
        }
        try
        {
            await using var cmd = database.DataSource.CreateCommand("SELECT version()");
            var version = (string?)await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy(database.IsEmbedded ? "private cluster" : "configured server",
                new Dictionary<string, object> { ["version"] = version ?? "" });
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer: " + ex.Message);
        }
    }
}

public sealed class ToolsHealthCheck(ToolVersions tools) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var found = await tools.GetAsync(cancellationToken).ConfigureAwait(false);
        var data = found.ToDictionary(t => t.Name, t => (object)(t.Version ?? "missing: " + t.Error));
        var missing = found.Where(t => !t.Found).Select(t => t.Name).ToList();
        return missing.Count == 0
            ? HealthCheckResult.Healthy("all tools found", data)
            : HealthCheckResult.Degraded("missing: " + string.Join(", ", missing) + " (imports that need them will fail)", data: data);
    }
}
