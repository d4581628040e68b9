using System.ComponentModel;
using System.Globalization;
using System.Text;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace Hub.Mcp.Tools;

/// <summary>Follow and cancel jobs. Non-admin callers see only the jobs they started; others' jobs are "not found".</summary>
[McpServerToolType]
public sealed class JobTools(JobQueue queue, LibraryService libraries, McpCaller caller)
{
    [McpServerTool(Name = "get_job", ReadOnly = true, Title = "Get a job")]
    [ToolAccess(McpAccess.Read)]
    [Description("One job (an import and its progress): state (queued, probing, awaiting_review, downloading, processing, " +
        "completed, failed, cancelled, stalled, retrying), progress 0-100, bytes, speed, ETA, error, and entry_id once completed.")]
    public async Task<JobView> GetJobAsync(
        [Description("The job id returned by import_url or list_jobs.")] Guid job_id,
        CancellationToken cancellationToken) =>
        JobView.From(await VisibleAsync(job_id, cancellationToken).ConfigureAwait(false));

    [McpServerTool(Name = "list_jobs", ReadOnly = true, Title = "List jobs")]
    [ToolAccess(McpAccess.Read)]
    [Description("Jobs, most recent activity first, optionally filtered; paginated: pass next_cursor back as cursor for the next page.")]
    public async Task<JobPageView> ListJobsAsync(
        [Description("Only these states, comma-separated, e.g. 'downloading,queued' or 'failed'.")] string? state = null,
        [Description("Only jobs filed into this library (id, slug or name).")] string? library = null,
        [Description("Page size, 1 to 100 (default 20).")] int limit = 20,
        [Description("The next_cursor of the previous page.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > 100)
        {
            throw new McpException("Invalid 'limit': use 1 to 100.");
        }
        var states = (state ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.ToLowerInvariant()).Distinct().ToList();
        if (states.FirstOrDefault(s => !JobStates.IsValid(s)) is { } bad)
        {
            throw new McpException($"Invalid 'state': unknown state '{bad}'. Use: {string.Join(", ", JobStates.All)}.");
        }
        Guid? libraryId = null;
        if (!string.IsNullOrWhiteSpace(library))
        {
            libraryId = (await libraries.FindAsync(library, cancellationToken).ConfigureAwait(false)
                ?? throw new McpException($"Invalid 'library': there is no library '{library}'. See list_libraries.")).Id;
        }
        var rows = await queue.ListAsync(new JobFilter
        {
            States = states,
            LibraryId = libraryId,
            RequestedBy = caller.OwnerFilter,
            Before = cursor is null ? null : DecodeCursor(cursor),
            Limit = limit + 1,
        }, cancellationToken).ConfigureAwait(false);
        var page = rows.Take(limit).ToList();
        return new JobPageView([.. page.Select(JobView.From)], rows.Count > limit ? EncodeCursor(page[^1]) : null);
    }

    [McpServerTool(Name = "cancel_job", Destructive = true, Idempotent = true, Title = "Cancel a job")]
    [ToolAccess(McpAccess.Write)]
    [Description("Cancels an import that has not finished: a waiting job is cancelled at once, a running one is stopped by its " +
        "worker within seconds (its partial files are removed). Fails when the job already ended.")]
    public async Task<JobResultView> CancelJobAsync(
        [Description("The job id.")] Guid job_id,
        CancellationToken cancellationToken)
    {
        await VisibleAsync(job_id, cancellationToken).ConfigureAwait(false);
        var job = await queue.CancelAsync(job_id, $"cancelled by {caller.Name} (mcp)", cancellationToken).ConfigureAwait(false);
        return new JobResultView(JobView.From(job), job.State == JobStates.Cancelled
            ? "Cancelled." : "Cancel requested; the worker is stopping it (check with get_job).");
    }

    private async Task<Job> VisibleAsync(Guid id, CancellationToken cancellationToken)
    {
        var job = await queue.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return caller.CanSee(job.RequestedBy) ? job : throw new McpException($"Not found: No job {id}.");
    }

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
