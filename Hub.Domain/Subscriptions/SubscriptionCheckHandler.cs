using System.Text.Json;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;

namespace Hub.Domain.Subscriptions;

/// <summary>What a check job's request holds.</summary>
public sealed record SubscriptionCheckRequest(Guid SubscriptionId);

/// <summary>
/// Runs one check of one subscription as a job in the subscriptions queue (a system queue: checks are Hub's own work;
/// the imports they start are the owner's). A failing source is recorded on the subscription, which backs off, and fails
/// the job without retries: the subscription's next check is the retry.
/// </summary>
public sealed class SubscriptionCheckHandler(SubscriptionChecker checker) : IJobHandler
{
    public const string Kind = "subscription-check";

    public string Queue => JobQueues.Subscriptions;
    public string RunningState => JobStates.Processing;

    /// <summary>The check job of one time slot: its key makes every process that enqueues the same slot make one job.</summary>
    public static NewJob Spec(Subscription sub, string slot) => new(Kind, JobQueues.Subscriptions, sub.Door)
    {
        Title = "Check: " + sub.Name,
        Source = sub.Url,
        RequestedBy = sub.CreatedBy,
        Request = new SubscriptionCheckRequest(sub.Id),
        IdempotencyKey = $"subscription:{sub.Id:N}:{slot}",
    };

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var request = context.Job.Request.Deserialize<SubscriptionCheckRequest>(JobJson.Options)
            ?? throw ImportFailedException.Permanent("validation", "This check names no subscription.");
        var outcome = await checker.CheckAsync(request.SubscriptionId, context.Id, cancellationToken).ConfigureAwait(false);
        if (outcome.Error is { } error)
        {
            throw ImportFailedException.Permanent("subscription-failing", error);
        }
        await context.CompleteAsync(null, outcome, outcome.Summary, null, cancellationToken).ConfigureAwait(false);
    }
}
