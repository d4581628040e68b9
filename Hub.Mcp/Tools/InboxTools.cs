using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Microsoft.AspNetCore.Authorization;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Hub.Mcp.Tools;

/// <summary>The review inbox (admin only): imports waiting for a person to approve or reject them.</summary>
[McpServerToolType]
[Authorize(Roles = Roles.Admin)]
public sealed class InboxTools(ImportService imports, ClaimsPrincipal user)
{
    [McpServerTool(Name = "list_inbox", ReadOnly = true, Title = "List the review inbox", UseStructuredContent = true)]
    [Description("Imports waiting for review (mode 'review', or classified with low confidence), oldest first, with what the " +
        "probe found and the library Hub suggests. Admin only.")]
    public async Task<InboxView> ListInboxAsync(
        [Description("At most this many items, 1 to 200 (default 50).")] int limit = 50,
        CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > 200)
        {
            throw new McpException("Invalid 'limit': use 1 to 200.");
        }
        var jobs = await imports.InboxAsync(limit, cancellationToken).ConfigureAwait(false);
        return new InboxView([.. jobs.Select(ToItem)]);
    }

    [McpServerTool(Name = "approve_inbox_item", Title = "Approve an inbox item", UseStructuredContent = true)]
    [Description("Approves an import waiting in the review inbox; it goes on to download, into the suggested library or the one " +
        "named here. Fails when the job is not waiting for review. Admin only.")]
    public async Task<JobResultView> ApproveInboxItemAsync(
        [Description("The job id of the inbox item (from list_inbox).")] Guid job_id,
        [Description("File it into this library (id, slug or name) instead of the suggested one.")] string? library = null,
        CancellationToken cancellationToken = default)
    {
        var job = await imports.ApproveAsync(job_id, library, RequesterPrincipal.Read(user).Name, cancellationToken).ConfigureAwait(false);
        return new JobResultView(JobView.From(job), "Approved; it is queued for download.");
    }

    [McpServerTool(Name = "reject_inbox_item", Destructive = true, Title = "Reject an inbox item", UseStructuredContent = true)]
    [Description("Rejects an import waiting in the review inbox: it is cancelled and nothing is downloaded. Admin only.")]
    public async Task<JobResultView> RejectInboxItemAsync(
        [Description("The job id of the inbox item (from list_inbox).")] Guid job_id,
        CancellationToken cancellationToken = default)
    {
        var job = await imports.RejectAsync(job_id, RequesterPrincipal.Read(user).Name, cancellationToken).ConfigureAwait(false);
        return new JobResultView(JobView.From(job), "Rejected; nothing will be downloaded.");
    }

    private static InboxItemView ToItem(Job job)
    {
        ImportJobData? data = null;
        try
        {
            data = job.Request.Deserialize<ImportJobData>(JobJson.Options);
        }
        catch (JsonException)
        {
            // A request written by another version: show the job without its details.
        }
        var c = data?.Classification;
        return new InboxItemView(JobView.From(job), data?.Probe is { } p ? ProbeView.From(p) with { Notice = null } : null,
            c?.LibraryName, c?.Confidence, c?.Reason);
    }
}
