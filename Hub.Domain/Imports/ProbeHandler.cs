using System.Text.Json;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Imports;

/// <summary>
/// The first step of an import: find out what the URL is, skip what is already in the library, expand playlists into
/// child jobs, and choose a library (or send the job to the review inbox). Then hands the job to the download queue.
/// </summary>
public sealed class ProbeHandler(ImportService imports, LibraryService libraries, JobQueue queue, IDbContextFactory<HubDbContext> dbFactory) : IJobHandler
{
    public string Queue => JobQueues.Probe;
    public string RunningState => JobStates.Probing;

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var data = ImportJobs.Read(context.Job);
        var url = data.Url ?? throw ImportFailedException.Permanent("validation", "This import has no URL.");
        context.Report(new JobProgress(1, 0, null, null, null));

        if (await DuplicateAsync(context, ImportService.Normalize(url), null, null, data.Clip, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var probe = await imports.ProbeAsync(url, cancellationToken).ConfigureAwait(false);
        context.Report(new JobProgress(2, 0, probe.SizeBytes, null, null));

        if (probe.IsPlaylist && data.WholePlaylist && context.Job.ParentId is null)
        {
            await ExpandPlaylistAsync(context, data, probe, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (await DuplicateAsync(context, null, probe.Platform, probe.SourceId, data.Clip, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var all = await libraries.ListAsync(cancellationToken).ConfigureAwait(false);
        ClassificationNote note;
        if (data.LibraryChosen && context.Job.LibraryId is { } chosen)
        {
            var lib = all.FirstOrDefault(l => l.Id == chosen);
            note = new ClassificationNote(chosen, lib?.Name, 1, false, "library chosen by the requester");
        }
        else
        {
            var host = Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.Host : null;
            var kind = probe.MediaKind ?? (data.Format is { } f && Engines.FormatPresets.IsAudio(f) ? "audio" : null);
            var result = LibraryClassifier.Classify(all, new ClassificationInput(probe.Platform, host, kind, probe.DurationSeconds, probe.Title));
            note = new ClassificationNote(result.Library?.Id, result.Library?.Name, result.Confidence, result.NeedsReview, result.Reason);
        }

        var updated = data with { Probe = probe with { Entries = [] }, Engine = probe.Engine, Classification = note };
        // The name the person (or a feed) gave keeps its place over the site's or the file's.
        await context.PatchAsync(new JobPatch(Title: ClipRange.Name(string.IsNullOrWhiteSpace(data.Title) ? probe.Title : data.Title, data.Clip), LibraryId: note.LibraryId, Request: ImportJobs.Write(updated)), cancellationToken)
            .ConfigureAwait(false);

        if (note.LibraryId is null)
        {
            await context.MoveToAsync(JobStates.AwaitingReview, JobQueues.Download, "no library fits; waiting for review", note, cancellationToken).ConfigureAwait(false);
        }
        else if (data.Mode == ImportModes.Review || (note.NeedsReview && !data.LibraryChosen))
        {
            var why = data.Mode == ImportModes.Review ? "review requested" : $"low confidence ({note.Confidence:0.00}) for {note.LibraryName}";
            await context.MoveToAsync(JobStates.AwaitingReview, JobQueues.Download, $"waiting for review: {why}", note, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await context.MoveToAsync(JobStates.Queued, JobQueues.Download, $"filed into {note.LibraryName}: {note.Reason}", note, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> DuplicateAsync(JobContext context, string? normalizedUrl, string? platform, string? sourceId, ClipRange? clip,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var existing = await ImportService.FindDuplicateAsync(db, normalizedUrl, platform, sourceId, null, clip, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return false;
        }
        // The job is named and filed like the entry it found, not left as a bare URL in no library.
        await context.PatchAsync(new JobPatch(Title: existing.Title, LibraryId: existing.LibraryId), cancellationToken).ConfigureAwait(false);
        await context.CompleteAsync(existing.Id, new ImportOutcome(existing.Id, true, $"Already in the library: {existing.Title}", existing.FilePath, null),
            "already in library", null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The playlist job becomes a parent: one child import per entry, and it waits for them in the expand queue.</summary>
    private async Task ExpandPlaylistAsync(JobContext context, ImportJobData data, ProbeResult probe, CancellationToken cancellationToken)
    {
        var children = new List<NewJob>();
        foreach (var item in probe.Entries)
        {
            var spec = await imports.PrepareAsync(new ImportRequest
            {
                Url = item.Url,
                Format = data.Format,
                Mode = data.Mode,
                Library = data.LibraryChosen ? context.Job.LibraryId?.ToString() : null,
                Door = context.Job.Door,
                RequestedBy = context.Job.RequestedBy,
                ParentId = context.Id,
            }, cancellationToken).ConfigureAwait(false);
            children.Add(spec with { Title = item.Title });
        }
        if (children.Count == 0)
        {
            throw ImportFailedException.Permanent("empty-playlist", "The playlist has no entries Hub can import.");
        }
        await queue.EnqueueManyAsync(children, cancellationToken).ConfigureAwait(false);
        await context.PatchAsync(new JobPatch(Title: probe.Title ?? "Playlist"), cancellationToken).ConfigureAwait(false);
        await context.MoveToAsync(JobStates.Queued, JobQueues.Expand, $"playlist expanded into {children.Count} imports",
            new { children = children.Count }, cancellationToken).ConfigureAwait(false);
    }
}
