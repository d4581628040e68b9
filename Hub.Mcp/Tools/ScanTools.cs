using System.ComponentModel;
using System.Security.Claims;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Scanning;
using Microsoft.AspNetCore.Authorization;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace Hub.Mcp.Tools;

public sealed record UnmatchedView(Guid Id, Guid LibraryId, string Path, string? MediaKind, string? GuessedTitle, DateTimeOffset FoundAt);

public sealed record UnmatchedListView(IReadOnlyList<UnmatchedView> Items, string Notice = RemoteText.Notice);

public sealed record ResolvedView(Guid EntryId, string Title, string FilePath, string Message);

/// <summary>The library scanner (admin only): scan a library's folder, and name or ignore the files it could not file.</summary>
[McpServerToolType]
[Authorize(Roles = Roles.Admin)]
public sealed class ScanTools(ScanService scans, ClaimsPrincipal user)
{
    [McpServerTool(Name = "scan_library", Title = "Scan a library folder", UseStructuredContent = true)]
    [Description("Queues a scan of a library's folder for media already on disk (files are filed where they are, never moved; " +
        "names that cannot be parsed go to the unmatched list). Returns the scan's job; follow it with get_job. Admin only.")]
    public async Task<JobResultView> ScanLibraryAsync(
        [Description("The library: id, slug or name.")] string library,
        CancellationToken cancellationToken = default)
    {
        var job = await scans.StartAsync(library, Doors.Mcp, RequesterPrincipal.Read(user).Name, cancellationToken).ConfigureAwait(false);
        return new JobResultView(JobView.From(job), "Scan queued.", StillRunning: true);
    }

    [McpServerTool(Name = "list_unmatched", ReadOnly = true, Title = "List unmatched files", UseStructuredContent = true)]
    [Description("Files a library scan found but could not name confidently, oldest first, with the title guessed from the " +
        "file name. Resolve them with resolve_unmatched. Admin only.")]
    public async Task<UnmatchedListView> ListUnmatchedAsync(
        [Description("At most this many items, 1 to 200 (default 50).")] int limit = 50,
        CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > 200)
        {
            throw new McpException("Invalid 'limit': use 1 to 200.");
        }
        var items = await scans.UnmatchedAsync(null, limit, cancellationToken).ConfigureAwait(false);
        return new UnmatchedListView([.. items.Select(i => new UnmatchedView(i.Id, i.LibraryId, i.Path, i.MediaKind, i.Parsed?.DisplayTitle, i.FoundAt))]);
    }

    [McpServerTool(Name = "resolve_unmatched", Title = "Name an unmatched file", UseStructuredContent = true)]
    [Description("Files an unmatched file as an entry with the given title (in the given library, or the one it was found in), " +
        "where it lies; or, with ignore=true, leaves it out of later scans. Admin only.")]
    public async Task<ResolvedView> ResolveUnmatchedAsync(
        [Description("The unmatched file's id (from list_unmatched).")] Guid id,
        [Description("The entry's title (not needed with ignore).")] string? title = null,
        [Description("File it into this library (id, slug or name) instead.")] string? library = null,
        [Description("True to ignore the file instead of filing it.")] bool ignore = false,
        CancellationToken cancellationToken = default)
    {
        if (ignore)
        {
            await scans.IgnoreAsync(id, cancellationToken).ConfigureAwait(false);
            return new ResolvedView(Guid.Empty, "", "", "Ignored; later scans leave it out.");
        }
        var entry = await scans.ResolveAsync(id, title ?? "", library, cancellationToken).ConfigureAwait(false);
        return new ResolvedView(entry.Id, entry.Title, entry.FilePath, "Filed as an entry where it lies.");
    }
}
