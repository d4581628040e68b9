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
        // Short-circuited: answered straight after routing, before authentication (which reads tokens from the
        // database), so live means "the process answers" even when the database is down, token or not.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).ShortCircuit();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync }).ShortCircuit();
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

/// <summary>The database answers; its data carries the supervisor's view (mode, state, since, restarts, last error) for the admin.</summary>
public sealed class DatabaseHealthCheck(HubDatabase database, DatabaseSupervisor supervisor) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = supervisor.Status;
        var data = new Dictionary<string, object>
        {
            ["mode"] = status.Mode,
            ["state"] = status.State,
            ["since"] = status.Since,
            ["restarts"] = status.Restarts,
        };
        if (status.LastRestartAt is { } restartedAt) data["lastRestartAt"] = restartedAt;
        if (status.LastError is { } error) data["lastError"] = error;
        if (!database.IsStarted)
        {
            return HealthCheckResult.Unhealthy("The database is starting.", data: data);
        }
        if (status.State == DatabaseSupervisor.Restarting)
        {
            return HealthCheckResult.Unhealthy($"The private PostgreSQL server died; restarting it since {status.Since:u}.", data: data);
        }
        try
        {
            await using var cmd = database.DataSource.CreateCommand("SELECT version()");
            var version = (string?)await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            data["version"] = version ?? "";
            return HealthCheckResult.Healthy(database.IsEmbedded ? "private cluster" : "configured server", data);
        }
        catch (Exception ex) when (DatabaseOutage.Is(ex) || ex is TimeoutException or InvalidOperationException)
        {
            data["state"] = status.State == DatabaseSupervisor.Running ? DatabaseSupervisor.Unreachable : status.State;
            data["lastError"] = ex.Message;
            return HealthCheckResult.Unhealthy("The database is not reachable: " + ex.Message, data: data);
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
