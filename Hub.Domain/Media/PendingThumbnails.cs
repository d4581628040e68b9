using Hub.Domain.Entries;
using Hub.Domain.Jobs;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Media;

/// <summary>
/// For doors that hand an entry's file on together with its picture (the bot's upload, whose cover Telegram keeps):
/// an entry imported a moment ago may still wait for its <see cref="ThumbnailHandler"/> job. Listings need none of
/// this; they show no picture until the job is done.
/// </summary>
public sealed class PendingThumbnails(IDbContextFactory<HubDbContext> dbFactory, JobFollower follower)
{
    /// <summary>
    /// The entry as it is once its thumbnail job has ended, waiting at most <paramref name="max"/>; the entry unchanged
    /// when it has a thumbnail or no such job is waiting or running.
    /// </summary>
    public async Task<Entry> AwaitAsync(Entry entry, TimeSpan max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.ThumbnailPath is not null)
        {
            return entry;
        }
        var key = ThumbnailHandler.For(entry.Id, "").IdempotencyKey;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            var pending = await db.Jobs.AsNoTracking().Where(j => j.IdempotencyKey == key && !JobStates.Terminal.Contains(j.State))
                .Select(j => (Guid?)j.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (pending is { } jobId)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(max);
                try
                {
                    await foreach (var _ in follower.FollowAsync(jobId, cancellationToken: timeout.Token).ConfigureAwait(false))
                    {
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return entry; // still not made: the file goes without it
                }
                catch (HubNotFoundException)
                {
                    // The job was deleted meanwhile.
                }
            }
            return await db.Entries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == entry.Id, cancellationToken).ConfigureAwait(false) ?? entry;
        }
    }
}
