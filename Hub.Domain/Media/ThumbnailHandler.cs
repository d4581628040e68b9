using System.Text.Json;
using Hub.Domain.Jobs;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Media;

/// <summary>
/// Makes an entry's thumbnail after its import completed: a follow-up job in its own low-priority queue (one at a
/// time), so an import's entry is written, visible and playable without waiting for an ffmpeg start, and a burst of
/// imports does not spend its CPU on pictures first. Until this job ran the entry has no thumbnail (the API answers
/// <c>thumbnailUrl: null</c> and 404 <c>no-thumbnail</c>; the admin draws its gradient card in place of a picture).
/// </summary>
public sealed class ThumbnailHandler(
    ThumbnailExtractor thumbnails,
    MediaServerFiles mediaServer,
    IDbContextFactory<HubDbContext> dbFactory,
    IOptions<HubOptions> options,
    ILogger<ThumbnailHandler> logger) : IJobHandler
{
    public const string Kind = "thumbnail";
    public const string QueueName = "thumbnails";

    public string Queue => QueueName;
    public string RunningState => JobStates.Processing;

    /// <summary>
    /// The follow-up job for <paramref name="entryId"/>; its idempotency key makes a second request a no-op.
    /// <paramref name="mediaServerFiles"/>: the import's subscription option for the poster (<see cref="MediaServerFiles.Wanted"/>).
    /// </summary>
    public static NewJob For(Guid entryId, string door, bool? mediaServerFiles = null) => new(Kind, QueueName, door)
    {
        Title = "Thumbnail",
        Request = new ThumbnailRequest(entryId, mediaServerFiles),
        IdempotencyKey = $"thumbnail:{entryId:N}",
        MaxAttempts = 2,
    };

    /// <summary>Where an entry's thumbnail lives: the data folder's <c>thumbnails/&lt;id&gt;.jpg</c>.</summary>
    public static string PathFor(HubOptions options, Guid entryId) =>
        Path.Combine(options.FullDataDir, "thumbnails", entryId.ToString("N") + ".jpg");

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var entryId = context.Job.Request.RootElement.GetProperty("entryId").GetGuid();
        bool? mediaServerFiles = context.Job.Request.RootElement.TryGetProperty("mediaServerFiles", out var choice) && choice.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? choice.GetBoolean() : null;
        Entries.Entry? entry;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            entry = await db.Entries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == entryId, cancellationToken).ConfigureAwait(false);
        }
        if (entry is null || entry.ThumbnailPath is not null || !File.Exists(entry.FilePath))
        {
            var why = entry is null ? "the entry is gone" : entry.ThumbnailPath is not null ? "the entry has a thumbnail" : "the entry's file is gone";
            await context.CompleteAsync(null, new { entryId, made = false }, $"nothing to do: {why}", null, cancellationToken).ConfigureAwait(false);
            return;
        }

        var target = PathFor(options.Value, entryId);
        string? made;
        try
        {
            made = await thumbnails.ExtractAsync(entry.FilePath, target, entry.DurationSeconds, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("No thumbnail for {File}: {Error}", entry.FilePath, ex.Message);
            made = null;
        }
        if (made is null)
        {
            // Plain audio, or a file ffmpeg cannot read a picture from: the entry simply has none.
            await context.CompleteAsync(null, new { entryId, made = false }, "no picture in the file", null, cancellationToken).ConfigureAwait(false);
            return;
        }

        var updated = 0;
        try
        {
            await context.CompleteAsync(null, new { entryId, made = true }, "thumbnail made", async (db, ct) =>
            {
                updated = await db.Entries.Where(e => e.Id == entryId && e.ThumbnailPath == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.ThumbnailPath, made), ct).ConfigureAwait(false);
                if (updated == 1)
                {
                    // Before the commit, as the import writes its sidecars: once the job is seen completed the poster is there.
                    entry.ThumbnailPath = made;
                    mediaServer.WritePoster(entry, mediaServerFiles);
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not committed (database gone, lease lost): no entry names the picture, so it must not stay behind; a retry makes it again.
            File.Delete(made);
            throw;
        }
        if (updated == 0)
        {
            File.Delete(made); // deleted (or given another picture) meanwhile
        }
    }

    private sealed record ThumbnailRequest(Guid EntryId, bool? MediaServerFiles);
}
