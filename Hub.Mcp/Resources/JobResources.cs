using System.ComponentModel;
using System.Text.Json;
using Hub.Domain;
using Hub.Domain.Jobs;
using Hub.Mcp.Tools;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Hub.Mcp.Resources;

[McpServerResourceType]
public sealed class JobResources(JobQueue queue, McpCaller caller)
{
    [McpServerResource(UriTemplate = "hub://jobs/{id}", Name = "job", Title = "A Hub job", MimeType = "application/json")]
    [Description("One import job as JSON (state, progress, error, entry_id). Remote titles are under untrusted_remote_text.")]
    public async Task<TextResourceContents> GetJobAsync(string id, CancellationToken cancellationToken)
    {
        Job? job = null;
        try
        {
            job = Guid.TryParse(id, out var jobId) ? await queue.GetAsync(jobId, cancellationToken).ConfigureAwait(false) : null;
        }
        catch (HubNotFoundException)
        {
        }
        if (job is null || !caller.CanSee(job.RequestedBy))
        {
            throw new McpException($"Not found: No job {id}.");
        }
        return new TextResourceContents
        {
            Uri = $"hub://jobs/{job.Id}",
            MimeType = "application/json",
            Text = JsonSerializer.Serialize(new JobResultView(JobView.From(job), $"Job {job.Id} is {job.State}."), McpJson.Options),
        };
    }
}
