using System.ComponentModel;
using System.Text.Json;
using Hub.Domain;
using Hub.Domain.Entries;
using Hub.Mcp.Tools;
using Microsoft.AspNetCore.Authorization;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Hub.Mcp.Resources;

[McpServerResourceType]
public sealed class EntryResources(EntryService entries)
{
    [Authorize]
    [McpServerResource(UriTemplate = "hub://entries/{id}", Name = "entry", Title = "A library entry", MimeType = "application/json")]
    [Description("One library entry as JSON (as get_entry). Remote titles and uploaders are under untrusted_remote_text.")]
    public async Task<TextResourceContents> GetEntryAsync(string id, CancellationToken cancellationToken)
    {
        Entry? entry = null;
        try
        {
            entry = Guid.TryParse(id, out var entryId) ? await entries.GetAsync(entryId, cancellationToken).ConfigureAwait(false) : null;
        }
        catch (HubNotFoundException)
        {
        }
        return entry is null ? throw new McpException($"Not found: No entry {id}.") : new TextResourceContents
        {
            Uri = ToolResults.EntryUri(entry.Id),
            MimeType = "application/json",
            Text = JsonSerializer.Serialize(new EntryDetailView(EntryView.From(entry)), McpJson.Options),
        };
    }
}
