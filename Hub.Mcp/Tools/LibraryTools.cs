using System.ComponentModel;
using Hub.Domain.Libraries;
using Microsoft.AspNetCore.Authorization;
using ModelContextProtocol.Server;

namespace Hub.Mcp.Tools;

[McpServerToolType]
public sealed class LibraryTools(LibraryService libraries)
{
    [McpServerTool(Name = "list_libraries", ReadOnly = true, Title = "List libraries", UseStructuredContent = true)]
    [Authorize]
    [Description("The libraries imports are filed into (e.g. Videos, Music): id, name, slug, media kind (video/audio/any), " +
        "default format, and whether it is the default for its kind. Pass a name, slug or id as 'library' to import_url.")]
    public async Task<LibraryListView> ListLibrariesAsync(CancellationToken cancellationToken) =>
        new([.. (await libraries.ListAsync(cancellationToken).ConfigureAwait(false)).Select(LibraryView.From)]);
}
