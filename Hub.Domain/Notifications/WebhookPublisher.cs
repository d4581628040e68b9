using System.Text.Json;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Domain.Notifications;

/// <summary>
/// Turns job events into webhook deliveries: a top-level import (or playlist, or batch) that completes, fails or waits
/// for review becomes one delivery job per enabled target asking for that event. Runs in every worker process; each
/// sees every update (its own at once, the others' through NOTIFY), and the deliveries' idempotency keys make one
/// delivery of each. An event that happens while no worker runs is not sent later (the job's own state still says it).
/// </summary>
public sealed class WebhookPublisher(JobUpdates updates, WebhookService webhooks, IDbContextFactory<HubDbContext> dbFactory, SignedLinks links,
    ILogger<WebhookPublisher> logger) : BackgroundService
{
    private static readonly HashSet<string> PeopleKinds = ["import", "playlist", "batch"];

    /// <summary>The event a job update is, if it is one webhooks hear about.</summary>
    public static string? EventOf(JobUpdate u) => u.ParentId is null && PeopleKinds.Contains(u.Kind)
        ? u.State switch
        {
            JobStates.Completed => WebhookEvents.JobCompleted,
            JobStates.Failed => WebhookEvents.JobFailed,
            JobStates.AwaitingReview => WebhookEvents.AwaitingReview,
            _ => null,
        }
        : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = updates.Subscribe(u => EventOf(u) is not null);
        await foreach (var update in subscription.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await PublishAsync(update, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not queue webhook deliveries for job {JobId}", update.JobId);
            }
        }
    }

    private async Task PublishAsync(JobUpdate update, CancellationToken ct)
    {
        var what = EventOf(update)!;
        var targets = (await webhooks.ListAsync(ct).ConfigureAwait(false)).Where(w => w.Enabled && w.Events.Contains(what)).ToList();
        if (targets.Count == 0)
        {
            return;
        }
        var message = await MessageAsync(update, what, ct).ConfigureAwait(false);
        foreach (var hook in targets)
        {
            await webhooks.EnqueueAsync(hook, message, update.JobId, ct).ConfigureAwait(false);
        }
    }

    private async Task<WebhookMessage> MessageAsync(JobUpdate update, string what, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var job = await db.Jobs.AsNoTracking().FirstAsync(j => j.Id == update.JobId, ct).ConfigureAwait(false);
        var outcome = ImportOutcome.Of(job);
        WebhookEntry? entry = null;
        if (what == WebhookEvents.JobCompleted && job.EntryId is { } entryId
            && await db.Entries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == entryId, ct).ConfigureAwait(false) is { } e)
        {
            var library = await db.Libraries.AsNoTracking().Where(l => l.Id == e.LibraryId).Select(l => l.Name).FirstOrDefaultAsync(ct).ConfigureAwait(false);
            // A week: the longest a signed link lives; a notification read days later should still play.
            var link = await links.CreateAsync(e.Id, SignedLinks.Stream, SignedLinks.MaxTtl, ct).ConfigureAwait(false);
            entry = new WebhookEntry(e.Id, e.Title, library, e.MediaKind, e.SizeBytes, e.DurationSeconds, link.Url?.AbsoluteUri ?? link.Path);
        }
        return new WebhookMessage(what, job.FinishedAt ?? job.UpdatedAt,
            new WebhookJob(job.Id, job.Kind, job.State, job.Title, job.Source, job.Error, job.ErrorKind, job.Door, job.RequestedBy, outcome?.Duplicate == true),
            entry);
    }
}
