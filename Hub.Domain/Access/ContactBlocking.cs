using Hub.Domain.Jobs;

namespace Hub.Domain.Access;

/// <summary>
/// What blocking someone means beyond their status: what they started stops. Their imports still in progress are
/// cancelled (a playlist takes its items with it), so nothing of theirs keeps running or ends in a fresh link; the
/// links they already hold stop working where <see cref="SignedLinks"/> checks the holder. Every door that blocks
/// (bot, admin API, CLI) should come here rather than to <see cref="ContactService.BlockAsync"/> alone.
/// </summary>
public sealed class ContactBlocking(ContactService contacts, JobQueue queue)
{
    private static readonly IReadOnlyList<string> Active = [.. JobStates.All.Except(JobStates.Terminal)];

    /// <summary>Blocks the contact and cancels their active imports; returns the ids of the jobs it cancelled.</summary>
    public async Task<IReadOnlyList<Guid>> BlockAsync(long telegramId, CancellationToken cancellationToken)
    {
        await contacts.BlockAsync(telegramId, cancellationToken).ConfigureAwait(false);
        var jobs = await queue.ListAsync(new JobFilter { States = Active, RequestedBy = Requester.TelegramKey(telegramId), Limit = 500 }, cancellationToken)
            .ConfigureAwait(false);
        var cancelled = new List<Guid>();
        // Parents first: cancelling one takes its children, which then need no call of their own.
        foreach (var job in jobs.OrderBy(j => j.ParentId is null ? 0 : 1))
        {
            try
            {
                await queue.CancelAsync(job.Id, "the requester was blocked", cancellationToken).ConfigureAwait(false);
                cancelled.Add(job.Id);
            }
            catch (HubConflictException)
            {
                // It ended meanwhile (or went with its parent).
                cancelled.Add(job.Id);
            }
        }
        return cancelled;
    }
}
