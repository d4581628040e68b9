using Hub.Domain.Engines;
using Hub.Domain.Engines.YtDlp;
using Hub.Domain.Entries;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Domain.Net;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Hub.Domain.Imports;

/// <summary>
/// The one import API every door calls (web, REST, bot, MCP, extension, command line): probe a URL, search the sites,
/// import one thing or a batch, and decide inbox items. Imports become jobs; the handlers in this folder run them.
/// </summary>
public sealed class ImportService(
    UrlGuard guard,
    EngineRegistry engines,
    YtDlpClient ytDlp,
    LibraryService libraries,
    JobQueue queue,
    IDbContextFactory<HubDbContext> dbFactory,
    IMemoryCache cache,
    Microsoft.Extensions.Options.IOptions<HubOptions> options)
{
    private static readonly TimeSpan ProbeCacheFor = TimeSpan.FromMinutes(2);

    /// <summary>What a URL is (title, duration, formats, playlist…). Creates nothing; cached briefly per URL.</summary>
    public async Task<ProbeResult> ProbeAsync(string url, CancellationToken cancellationToken)
    {
        var uri = await CheckUrlAsync(url, cancellationToken).ConfigureAwait(false);
        var key = "probe:" + uri.AbsoluteUri;
        if (cache.TryGetValue(key, out ProbeResult? cached) && cached is not null)
        {
            return cached;
        }
        var result = await engines.ProbeAsync(uri, cancellationToken).ConfigureAwait(false);
        cache.Set(key, result, ProbeCacheFor);
        return result;
    }

    /// <summary>Searches the sites; every door builds <paramref name="search"/> with <see cref="SourceSearch.Normalize"/>.</summary>
    public Task<IReadOnlyList<SearchResult>> SearchAsync(SourceSearch search, CancellationToken cancellationToken) =>
        ytDlp.SearchAsync(search.Query, search.Source, search.Limit, cancellationToken);

    /// <summary>
    /// Accepts an import and returns its job at once. The same URL already being imported for the same requester returns
    /// that job instead of a second one; a URL already in the library completes quickly as "already in library".
    /// </summary>
    public async Task<Job> ImportAsync(ImportRequest request, CancellationToken cancellationToken)
    {
        var spec = await PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        if (spec.Source is { } source && request.ParentId is null)
        {
            var active = await FindActiveAsync(source, request.Clip, request.RequestedBy, cancellationToken).ConfigureAwait(false);
            if (active is not null)
            {
                return active;
            }
        }
        return await queue.EnqueueAsync(spec, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks what a request chose (door, mode, format, library) without looking at its source: a resumable upload is
    /// checked this way when it starts, long before its file is there. Returns the library named, if any.
    /// </summary>
    public async Task<Library?> CheckChoicesAsync(ImportRequest request, CancellationToken cancellationToken)
    {
        if (!Doors.All.Contains(request.Door))
        {
            throw new HubValidationException("door", $"Unknown door '{request.Door}'.");
        }
        if (!ImportModes.IsValid(request.Mode))
        {
            throw new HubValidationException("mode", "Mode must be 'auto' or 'review'.");
        }
        if (request.Format is not null && !FormatPresets.IsValid(request.Format))
        {
            throw new HubValidationException("format", $"Unknown format '{request.Format}'. Use one of: {string.Join(", ", FormatPresets.All)}.");
        }
        if (string.IsNullOrWhiteSpace(request.Library))
        {
            return null;
        }
        return await libraries.FindAsync(request.Library, cancellationToken).ConfigureAwait(false)
            ?? throw new HubValidationException("library", $"There is no library '{request.Library}'.");
    }

    /// <summary>Validates a request and turns it into a job spec (nothing is written).</summary>
    public async Task<NewJob> PrepareAsync(ImportRequest request, CancellationToken cancellationToken)
    {
        TextInput.Check(request.Url, "url", 8000);
        var library = await CheckChoicesAsync(request, cancellationToken).ConfigureAwait(false);

        string? source;
        string queueName;
        string? title = null;
        string? fileName = request.FileName;
        var state = JobStates.Queued;
        if (request.UploadedFile is { } file)
        {
            if (!File.Exists(file))
            {
                throw new HubValidationException("file", "The uploaded file is missing.");
            }
            source = null;
            fileName = TextInput.CleanFileName(request.FileName ?? file);
            title = Path.GetFileNameWithoutExtension(fileName);
            queueName = JobQueues.Download; // nothing to probe: the file is here
            // Nothing to probe either, so a review goes to the inbox now rather than after the probe step.
            state = request.Mode == ImportModes.Review ? JobStates.AwaitingReview : JobStates.Queued;
        }
        else
        {
            if (string.IsNullOrWhiteSpace(request.Url))
            {
                throw new HubValidationException("url", "Send a URL to import.");
            }
            var uri = await CheckUrlAsync(request.Url, cancellationToken).ConfigureAwait(false);
            source = uri.AbsoluteUri;
            queueName = JobQueues.Probe;
        }

        if (request.Clip is { } clip)
        {
            // Rebuilt through the one rule, whichever door made it (a record can be built around Create).
            ClipRange.Create(clip.StartSeconds, clip.EndSeconds);
            if (source is not null && Engines.Torrent.MagnetLink.IsMagnet(source))
            {
                throw new HubValidationException("clip", "A clip can be cut from a video page or a media file, not from a torrent.");
            }
        }

        var given = GivenTitle(request.Title);
        title = given ?? title;
        return new NewJob("import", queueName, request.Door)
        {
            RequestedBy = request.RequestedBy,
            Source = source,
            Title = title,
            LibraryId = library?.Id,
            Format = request.Format,
            Mode = request.Mode,
            ParentId = request.ParentId,
            State = state,
            Request = new ImportJobData
            {
                Url = source,
                UploadedFile = request.UploadedFile,
                FileName = fileName,
                Title = given,
                Format = request.Format,
                Mode = request.Mode,
                LibraryChosen = library is not null,
                // A section of one video: a playlist page is never expanded for it.
                WholePlaylist = request.WholePlaylist && request.Clip is null,
                Clip = request.Clip,
                Engine = request.UploadedFile is null ? null : "upload",
                Subscription = request.Subscription,
            },
        };
    }

    /// <summary>Approves an inbox item, optionally into another library; it goes on to download.</summary>
    public async Task<Job> ApproveAsync(Guid jobId, string? library, string approvedBy, CancellationToken cancellationToken)
    {
        Guid? libraryId = null;
        if (!string.IsNullOrWhiteSpace(library))
        {
            libraryId = (await libraries.FindAsync(library, cancellationToken).ConfigureAwait(false)
                ?? throw new HubValidationException("library", $"There is no library '{library}'.")).Id;
            // The approver chose where it goes, as a requester who names a library does: what was downloaded no longer
            // moves it to another library (DownloadHandler).
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await db.Database.ExecuteSqlAsync(
                $"UPDATE jobs SET request = jsonb_set(request, '{{libraryChosen}}', 'true') WHERE id = {jobId} AND state = {JobStates.AwaitingReview}",
                cancellationToken).ConfigureAwait(false);
        }
        return await queue.ReleaseFromReviewAsync(jobId, approve: true, JobQueues.Download, $"approved by {approvedBy}", libraryId, cancellationToken)
            .ConfigureAwait(false);
    }

    public Task<Job> RejectAsync(Guid jobId, string rejectedBy, CancellationToken cancellationToken) =>
        queue.ReleaseFromReviewAsync(jobId, approve: false, JobQueues.Download, $"rejected by {rejectedBy}", null, cancellationToken);

    /// <summary>The review inbox: jobs waiting for a decision, oldest first.</summary>
    public async Task<IReadOnlyList<Job>> InboxAsync(int limit, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Jobs.AsNoTracking().Where(j => j.State == JobStates.AwaitingReview)
            .OrderBy(j => j.CreatedAt).Take(Math.Clamp(limit, 1, 500)).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Parses, normalises and checks a user-given URL against the network guard.</summary>
    public async Task<Uri> CheckUrlAsync(string url, CancellationToken cancellationToken)
    {
        if (Engines.Torrent.MagnetLink.IsMagnet(url))
        {
            return Engines.Torrent.MagnetProber.Check(url, options.Value);
        }
        Uri uri;
        try
        {
            uri = UrlGuard.Parse(url);
        }
        catch (ImportFailedException ex)
        {
            throw new HubValidationException("url", ex.Message);
        }
        await guard.EnsureAllowedAsync(uri, cancellationToken).ConfigureAwait(false);
        return uri;
    }

    /// <summary>
    /// The same requester's unfinished import of the same URL. Another person's job is not handed out (they could not
    /// see it); their second job ends as "already in library" once the first one has filed the file.
    /// </summary>
    private async Task<Job?> FindActiveAsync(string source, ClipRange? clip, string? requestedBy, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var active = await db.Jobs.AsNoTracking()
            .Where(j => j.Source == source && j.Kind == "import" && j.RequestedBy == requestedBy && !JobStates.Terminal.Contains(j.State))
            .OrderByDescending(j => j.CreatedAt).Take(20).ToListAsync(cancellationToken).ConfigureAwait(false);
        // Another range of the same video is another import; the same range (or both whole) is this one.
        return active.FirstOrDefault(j => ImportJobs.Read(j).Clip == clip);
    }

    /// <summary>The existing entry for this URL or platform id (the whole of it, not a clip), or with these bytes, if any.</summary>
    public static Task<Entry?> FindDuplicateAsync(HubDbContext db, string? normalizedUrl, string? platform, string? sourceId, string? contentHash,
        CancellationToken cancellationToken) =>
        FindDuplicateAsync(db, normalizedUrl, platform, sourceId, contentHash, null, cancellationToken);

    /// <summary>
    /// The existing entry for this URL or platform id with the same range (<paramref name="clip"/> null: the whole
    /// source), or with these bytes, if any. The same source with another range is not a duplicate.
    /// </summary>
    public static async Task<Entry?> FindDuplicateAsync(HubDbContext db, string? normalizedUrl, string? platform, string? sourceId, string? contentHash,
        ClipRange? clip, CancellationToken cancellationToken)
    {
        double? start = clip?.StartSeconds, end = clip?.EndSeconds;
        var all = db.Entries.AsNoTracking();
        var q = all.Where(e => e.ClipStartSeconds == start && e.ClipEndSeconds == end);
        if (platform is not null && sourceId is not null
            && await q.FirstOrDefaultAsync(e => e.Platform == platform && e.SourceId == sourceId, cancellationToken).ConfigureAwait(false) is { } byId)
        {
            return byId;
        }
        if (normalizedUrl is not null
            && await q.FirstOrDefaultAsync(e => e.NormalizedUrl == normalizedUrl, cancellationToken).ConfigureAwait(false) is { } byUrl)
        {
            return byUrl;
        }
        if (contentHash is not null)
        {
            return await all.FirstOrDefaultAsync(e => e.ContentHash == contentHash, cancellationToken).ConfigureAwait(false);
        }
        return null;
    }

    /// <summary>A caption as a title: its first line, trimmed, at most 200 characters; blank is none.</summary>
    private static string? GivenTitle(string? text)
    {
        var line = text?.Split('\n', 2)[0].Trim();
        if (string.IsNullOrEmpty(line) || !TextInput.IsStorable(line))
        {
            return null;
        }
        return line.Length > 200 ? line[..200].TrimEnd() : line;
    }

    public static string? Normalize(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var u) ? UrlNormalizer.Normalize(u) : null;
}
