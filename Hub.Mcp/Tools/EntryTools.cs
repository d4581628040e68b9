using System.ComponentModel;
using System.Security.Claims;
using Hub.Domain.Access;
using Hub.Domain.Entries;
using Hub.Domain.Libraries;
using Microsoft.AspNetCore.Authorization;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Hub.Mcp.Tools;

/// <summary>Read the library (search, one entry, the newest), hand out a stream link, and delete (owner or admin) with confirmation.</summary>
[McpServerToolType]
public sealed class EntryTools(EntryService entries, LibraryService libraries, SignedLinks links, ClaimsPrincipal user)
{
    [McpServerTool(Name = "search_library", ReadOnly = true, Title = "Search the library", UseStructuredContent = true, OutputSchemaType = typeof(EntryPageView))]
    [Authorize]
    [Description("Searches what is already in Hub's library (not the web): full-text over title, uploader, platform, tags and what is said in the subtitles, " +
        "with optional filters; best matches first when a query is given, else newest first. Paginated: pass next_cursor back as cursor.")]
    public async Task<CallToolResult> SearchLibraryAsync(
        [Description("Search words (web-search syntax: \"exact phrase\", -excluded, OR). Leave out to list with filters only.")] string? query = null,
        [Description("Only this library (id, slug or name).")] string? library = null,
        [Description("Only 'video', 'audio' or 'other'.")] string? media_kind = null,
        [Description("Only from this platform, e.g. 'youtube', 'soundcloud'.")] string? platform = null,
        [Description("Only entries carrying all these tags, comma-separated.")] string? tags = null,
        [Description("Sort: relevance, created, -created (newest first), title, -title, duration, -duration, size, -size.")] string? sort = null,
        [Description("Page size, 1 to 100 (default 20).")] int limit = 20,
        [Description("The next_cursor of the previous page.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        CheckLimit(limit);
        var page = await entries.QueryAsync(new EntryQuery
        {
            Q = query,
            LibraryId = await LibraryIdAsync(libraries, library, cancellationToken).ConfigureAwait(false),
            MediaKind = media_kind,
            Platform = platform,
            Tags = tags?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Sort = sort,
            Limit = limit,
            Cursor = cursor,
        }, cancellationToken).ConfigureAwait(false);
        return Page(page.Items, page.NextCursor);
    }

    [McpServerTool(Name = "list_recent_entries", ReadOnly = true, Title = "Newest entries", UseStructuredContent = true, OutputSchemaType = typeof(EntryPageView))]
    [Authorize]
    [Description("The entries most recently added to the library, newest first (optionally only the last N days).")]
    public async Task<CallToolResult> ListRecentEntriesAsync(
        [Description("How many, 1 to 100 (default 20).")] int limit = 20,
        [Description("Only entries added in the last this-many days.")] int? days = null,
        CancellationToken cancellationToken = default)
    {
        CheckLimit(limit);
        var page = await entries.QueryAsync(new EntryQuery
        {
            Sort = EntrySort.Default,
            Limit = limit,
            From = days is { } d ? DateTimeOffset.UtcNow.AddDays(-Math.Clamp(d, 1, 3650)) : null,
        }, cancellationToken).ConfigureAwait(false);
        return Page(page.Items, page.NextCursor);
    }

    [McpServerTool(Name = "get_entry", ReadOnly = true, Title = "Get an entry", UseStructuredContent = true, OutputSchemaType = typeof(EntryDetailView))]
    [Authorize]
    [Description("One library entry: library, media kind, container, duration, size, source URL, tags, when it was added.")]
    public async Task<CallToolResult> GetEntryAsync(
        [Description("The entry id (from search_library, list_recent_entries, or a completed job's entry_id).")] Guid entry_id,
        CancellationToken cancellationToken) =>
        ToolResults.WithEntryLinks(new EntryDetailView(EntryView.From(await entries.GetAsync(entry_id, cancellationToken).ConfigureAwait(false))), entry_id);

    [McpServerTool(Name = "get_stream_link", ReadOnly = true, Title = "Get a stream link", UseStructuredContent = true, OutputSchemaType = typeof(StreamLinkView))]
    [Authorize]
    [Description("A signed, expiring link to play (kind 'stream', seekable) or download (kind 'download') an entry without a token; " +
        "safe to hand to a media player or a chat. Absolute when Hub:PublicUrl is configured, else a path on Hub's address.")]
    public async Task<CallToolResult> GetStreamLinkAsync(
        [Description("The entry id.")] Guid entry_id,
        [Description("'stream' (default) or 'download'.")] string kind = SignedLinks.Stream,
        [Description("How long the link works, in minutes: 1 to 10080 (7 days); default 360.")] int ttl_minutes = 360,
        CancellationToken cancellationToken = default)
    {
        if (kind is not (SignedLinks.Stream or SignedLinks.Download))
        {
            throw new McpException("Invalid 'kind': use 'stream' or 'download'.");
        }
        if (ttl_minutes is < 1 or > 10080)
        {
            throw new McpException("Invalid 'ttl_minutes': use 1 to 10080.");
        }
        await entries.GetAsync(entry_id, cancellationToken).ConfigureAwait(false); // a link to nothing helps nobody
        var (url, path, expires) = await links.CreateAsync(entry_id, kind, TimeSpan.FromMinutes(ttl_minutes), TokenClaims.TokenIdOf(user), cancellationToken)
            .ConfigureAwait(false);
        return ToolResults.WithEntryLinks(new StreamLinkView(entry_id, kind, url?.AbsoluteUri, path, expires, url is null
            ? "Hub:PublicUrl is not set: prefix the path with the address you reach Hub at."
            : "Anyone with this link can " + (kind == SignedLinks.Stream ? "play" : "download") + " the file until it expires."), entry_id);
    }

    [McpServerTool(Name = "delete_entry", Destructive = true, Title = "Delete an entry", UseStructuredContent = true)]
    [Authorize(Policy = McpPolicies.Write)]
    [Description("Deletes an entry from the library, and its file unless keep_file=true. Cannot be undone: it needs confirm=true, " +
        "which you should only pass after the user explicitly agreed to delete this entry. Only the entry's owner (who imported it) or an admin.")]
    public async Task<DoneView> DeleteEntryAsync(
        [Description("The entry id.")] Guid entry_id,
        [Description("Must be true to delete; ask the user first.")] bool confirm = false,
        [Description("Keep the media file on disk and only remove the entry (default false).")] bool keep_file = false,
        CancellationToken cancellationToken = default)
    {
        if (!confirm)
        {
            throw new McpException("Refused (confirmation-required): deleting cannot be undone. Ask the user, then call again with confirm=true.");
        }
        await entries.DeleteAsync(RequesterPrincipal.Read(user), entry_id, keep_file, cancellationToken).ConfigureAwait(false);
        return new DoneView(keep_file ? $"Entry {entry_id} removed from the library; its file was kept." : $"Entry {entry_id} and its file were deleted.");
    }

    internal static void CheckLimit(int limit)
    {
        if (limit is < 1 or > 100)
        {
            throw new McpException("Invalid 'limit': use 1 to 100.");
        }
    }

    /// <summary>A library given by id, slug or name, or null when none was given.</summary>
    internal static async Task<Guid?> LibraryIdAsync(LibraryService libraries, string? library, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(library) ? null
            : (await libraries.FindAsync(library, cancellationToken).ConfigureAwait(false)
                ?? throw new McpException($"Invalid 'library': there is no library '{library}'. See list_libraries.")).Id;

    private static CallToolResult Page(IReadOnlyList<Entry> items, string? nextCursor) =>
        ToolResults.WithEntryLinks(new EntryPageView([.. items.Select(EntryView.From)], nextCursor), items.Select(e => (Guid?)e.Id));
}
