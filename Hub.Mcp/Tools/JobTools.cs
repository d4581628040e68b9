using System.ComponentModel;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Microsoft.AspNetCore.Authorization;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Hub.Mcp.Tools;

/// <summary>Follow and cancel jobs. Who sees and cancels which job is <see cref="JobAccess"/>'s rule: others' jobs are "not found".</summary>
[McpServerToolType]
public sealed class JobTools(JobQueue queue, JobAccess access, LibraryService libraries, ClaimsPrincipal user)
{
    [McpServerTool(Name = "get_job", ReadOnly = true, Title = "Get a job", UseStructuredContent = true, OutputSchemaType = typeof(JobView))]
    [Authorize]
    [Description("One job (an import and its progress): state (queued, probing, awaiting_review, downloading, processing, " +
        "completed, failed, cancelled, stalled, retrying), progress 0-100, bytes, speed, ETA, error, and entry_id once completed.")]
    public async Task<CallToolResult> GetJobAsync(
        [Description("The job id returned by import_url or list_jobs.")] Guid job_id,
        CancellationToken cancellationToken)
    {
        var job = await access.GetVisibleAsync(Caller, job_id, cancellationToken).ConfigureAwait(false);
        return ToolResults.WithEntryLinks(JobView.From(job), job.EntryId);
    }

    [McpServerTool(Name = "list_jobs", ReadOnly = true, Title = "List jobs", UseStructuredContent = true, OutputSchemaType = typeof(JobPageView))]
    [Authorize]
    [Description("Jobs, most recent activity first, optionally filtered; paginated: pass next_cursor back as cursor for the next page.")]
    public async Task<CallToolResult> ListJobsAsync(
        [Description("Only these states, comma-separated, e.g. 'downloading,queued' or 'failed'.")] string? state = null,
        [Description("Only jobs filed into this library (id, slug or name).")] string? library = null,
        [Description("Page size, 1 to 100 (default 20).")] int limit = 20,
        [Description("The next_cursor of the previous page.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        EntryTools.CheckLimit(limit);
        var states = (state ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.ToLowerInvariant()).Distinct().ToList();
        if (states.FirstOrDefault(s => !JobStates.IsValid(s)) is { } bad)
        {
            throw new McpException($"Invalid 'state': unknown state '{bad}'. Use: {string.Join(", ", JobStates.All)}.");
        }
        var libraryId = await EntryTools.LibraryIdAsync(libraries, library, cancellationToken).ConfigureAwait(false);
        var rows = await queue.ListAsync(new JobFilter
        {
            States = states,
            LibraryId = libraryId,
            RequestedBy = JobAccess.OwnerFilter(Caller),
            Before = cursor is null ? null : DecodeCursor(cursor),
            Limit = limit + 1,
        }, cancellationToken).ConfigureAwait(false);
        var page = rows.Take(limit).ToList();
        return ToolResults.WithEntryLinks(new JobPageView([.. page.Select(JobView.From)], rows.Count > limit ? EncodeCursor(page[^1]) : null),
            page.Select(j => j.EntryId));
    }

    [McpServerTool(Name = "cancel_job", Destructive = true, Idempotent = true, Title = "Cancel a job", UseStructuredContent = true)]
    [Authorize(Policy = McpPolicies.Write)]
    [Description("Cancels an import that has not finished: a waiting job is cancelled at once, a running one is stopped by its " +
        "worker within seconds (its partial files are removed). Fails when the job already ended.")]
    public async Task<JobResultView> CancelJobAsync(
        [Description("The job id.")] Guid job_id,
        CancellationToken cancellationToken)
    {
        var job = await access.CancelAsync(Caller, job_id, cancellationToken).ConfigureAwait(false);
        return new JobResultView(JobView.From(job), job.State == JobStates.Cancelled
            ? "Cancelled." : "Cancel requested; the worker is stopping it (check with get_job).");
    }

    private Requester Caller => RequesterPrincipal.Read(user);

    private static string EncodeCursor(Job j) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(j.UpdatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + ":" + j.Id.ToString("N")));

    private static (DateTimeOffset, Guid) DecodeCursor(string cursor)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(cursor)).Split(':');
            return (new DateTimeOffset(long.Parse(parts[0], CultureInfo.InvariantCulture), TimeSpan.Zero), Guid.ParseExact(parts[1], "N"));
        }
        catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException or ArgumentException)
        {
            throw new McpException("Invalid 'cursor': pass the next_cursor of a previous page unchanged.");
        }
    }
}
