using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json;
using Hub.Domain;
using Hub.Domain.Access;
using Hub.Domain.Jobs;
using Hub.Mcp.Tools;
using Microsoft.AspNetCore.Authorization;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Hub.Mcp.Resources;

[McpServerResourceType]
public sealed class JobResources(JobAccess access, ClaimsPrincipal user)
{
    [Authorize]
    [McpServerResource(UriTemplate = "hub://jobs/{id}", Name = "job", Title = "A Hub job", MimeType = "application/json")]
    [Description("One import job as JSON (state, progress, error, entry_id). Remote titles are under untrusted_remote_text.")]
    public async Task<TextResourceContents> GetJobAsync(string id, CancellationToken cancellationToken)
    {
        Job? job = null;
        try
        {
            job = Guid.TryParse(id, out var jobId) ? await access.GetVisibleAsync(RequesterPrincipal.Read(user), jobId, cancellationToken).ConfigureAwait(false) : null;
        }
        catch (HubNotFoundException)
        {
        }
        return job is null ? throw new McpException($"Not found: No job {id}.") : new TextResourceContents
        {
            Uri = $"hub://jobs/{job.Id}",
            MimeType = "application/json",
            Text = JsonSerializer.Serialize(new JobResultView(JobView.From(job), $"Job {job.Id} is {job.State}."), McpJson.Options),
        };
    }
}
