using System.ComponentModel;
using System.Security.Claims;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Microsoft.AspNetCore.Authorization;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Hub.Mcp.Tools;

/// <summary>Probe, search and import: the pipeline's front door for an assistant.</summary>
[McpServerToolType]
public sealed class ImportTools(ImportService imports, ProbePreviews previews, JobFollower follower, JobQueue queue, ClaimsPrincipal user)
{
    public const int MaxWaitSeconds = 600;

    [McpServerTool(Name = "probe_url", ReadOnly = true, OpenWorld = true, Title = "Probe a URL", UseStructuredContent = true)]
    [Authorize]
    [Description("Finds out what a URL is before importing it: direct media file or site page, title, duration, uploader, " +
        "available formats, for playlists the entries, and already_in_library_entry_id when an import would find it already in " +
        "the library (see get_entry). Creates nothing. Takes about a second for site pages (yt-dlp). " +
        "Fails with a clear message when the URL cannot be imported (unsupported site, blocked private address, 404).")]
    public async Task<ProbeView> ProbeUrlAsync(
        [Description("The http(s) URL to inspect.")] string url,
        IProgress<ProgressNotificationValue> progress,
        CancellationToken cancellationToken)
    {
        progress.Report(new ProgressNotificationValue { Progress = 0, Total = 1, Message = "probing" });
        var result = await previews.PreviewAsync(url, cancellationToken).ConfigureAwait(false);
        progress.Report(new ProgressNotificationValue { Progress = 1, Total = 1, Message = "probed" });
        return ProbeView.From(result);
    }

    [McpServerTool(Name = "search_sources", ReadOnly = true, OpenWorld = true, Title = "Search video and music sites", UseStructuredContent = true)]
    [Authorize]
    [Description("Searches YouTube and/or SoundCloud (through yt-dlp) for things to import; returns URLs to pass to import_url. " +
        "This searches the web sites, not Hub's own library (use search_library for that).")]
    public async Task<SearchView> SearchSourcesAsync(
        [Description("What to look for, e.g. an artist and a song title.")] string query,
        [Description("Where to search: 'youtube' (default), 'soundcloud' or 'all'.")] string source = SourceSearch.DefaultSource,
        [Description("How many results, 1 to 50 (default 10).")] int limit = SourceSearch.DefaultLimit,
        CancellationToken cancellationToken = default)
    {
        var results = await imports.SearchAsync(SourceSearch.Normalize(query, source, limit), cancellationToken).ConfigureAwait(false);
        return new SearchView([.. results.Select(SearchItemView.From)]);
    }

    [McpServerTool(Name = "import_url", Destructive = false, OpenWorld = true, Title = "Import a URL", UseStructuredContent = true, OutputSchemaType = typeof(JobResultView))]
    [Authorize(Policy = McpPolicies.Write)]
    [Description("Imports a video/audio URL (a site page, a direct media file, or a playlist) into Hub. Returns the job at once " +
        "(follow it with get_job) unless wait=true, in which case it waits for the job to finish (up to wait_seconds) and " +
        "reports progress notifications when the client sent a progress token. The same URL already being imported returns " +
        "that job; a URL already in the library completes quickly as a duplicate.")]
    public async Task<CallToolResult> ImportUrlAsync(
        [Description("The http(s) URL to import.")] string url,
        [Description("Library id, slug or name (see list_libraries). Leave out to let Hub's rules pick one.")] string? library = null,
        [Description("Format preset: video_best, video_1080, video_720, audio_best or audio_mp3. Leave out for the library's default.")] string? format = null,
        [Description("'auto' (default): file it at once. 'review': hold it in the admin's review inbox first.")] string mode = ImportModes.Auto,
        [Description("For a playlist URL: import every entry (true, default) or only the item itself (false).")] bool whole_playlist = true,
        [Description("Only a section of the video, as start-end in seconds, m:ss or h:mm:ss (e.g. '1:20-2:05'). Leave out for all of it.")] string? clip = null,
        [Description("Wait for the import to finish before answering (default false).")] bool wait = false,
        [Description("With wait=true: the longest time to wait, 1 to 600 seconds (default 120).")] int wait_seconds = 120,
        IProgress<ProgressNotificationValue>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (wait_seconds is < 1 or > MaxWaitSeconds)
        {
            throw new McpException($"Invalid 'wait_seconds': use 1 to {MaxWaitSeconds}.");
        }
        var job = await imports.ImportAsync(new ImportRequest
        {
            Url = url,
            Library = library,
            Format = format,
            Mode = mode,
            WholePlaylist = whole_playlist,
            Clip = string.IsNullOrWhiteSpace(clip) ? null : ClipRange.Parse(clip),
            Door = Doors.Mcp,
            RequestedBy = RequesterPrincipal.Read(user).Key,
        }, cancellationToken).ConfigureAwait(false);
        var result = !wait || JobStates.IsTerminal(job.State)
            ? new JobResultView(JobView.From(job), JobStates.IsTerminal(job.State) ? $"The job is {job.State}." : "Import accepted; follow it with get_job.")
            : await JobWait.WaitAsync(follower, queue, job.Id, TimeSpan.FromSeconds(wait_seconds), progress, cancellationToken).ConfigureAwait(false);
        return ToolResults.WithEntryLinks(result, result.Job.EntryId);
    }
}
