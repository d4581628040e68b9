using Hub.Domain.Notifications;
using Microsoft.Extensions.Logging;

namespace Hub.Domain.Subscriptions;

/// <summary>Tells webhook targets that a subscription found new items or is failing (one delivery per target and check job).</summary>
public sealed class SubscriptionEvents(WebhookService webhooks, TimeProvider time, ILogger<SubscriptionEvents> logger)
{
    public Task FoundAsync(Subscription sub, int imported, Guid? checkJobId, CancellationToken ct) =>
        PublishAsync(WebhookEvents.SubscriptionFound, sub, $"{imported} new item(s) from {sub.Name}", null, checkJobId, ct);

    public Task FailingAsync(Subscription sub, string error, int failures, Guid? checkJobId, CancellationToken ct) =>
        PublishAsync(WebhookEvents.SubscriptionFailing, sub, sub.Name, $"{error} ({failures} failed check(s) in a row)", checkJobId, ct);

    private async Task PublishAsync(string what, Subscription sub, string title, string? error, Guid? checkJobId, CancellationToken ct)
    {
        try
        {
            var targets = (await webhooks.ListAsync(ct).ConfigureAwait(false)).Where(w => w.Enabled && w.Events.Contains(what)).ToList();
            if (targets.Count == 0)
            {
                return;
            }
            // A check run outside the queue (`hub subscriptions check`) has no job: its body names an id of its own, so
            // a receiver tells its notices apart from every other check's, as it does a queued check's by the job id.
            var checkId = checkJobId ?? Guid.CreateVersion7(time.GetUtcNow());
            var job = new WebhookJob(checkId, SubscriptionCheckHandler.Kind, error is null ? "completed" : "failed", title, sub.Url,
                error, error is null ? null : "subscription-failing", sub.Door, sub.CreatedBy, false);
            var message = new WebhookMessage(what, time.GetUtcNow(), job, null);
            foreach (var hook in targets)
            {
                await webhooks.EnqueueAsync(hook, message, checkJobId, ct).ConfigureAwait(false); // the delivery log links real jobs only
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A notification is not worth failing the check for.
            logger.LogWarning(ex, "Could not queue subscription webhooks for {Name}", sub.Name);
        }
    }
}
