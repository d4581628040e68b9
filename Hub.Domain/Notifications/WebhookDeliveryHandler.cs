using System.Text.Json;
using System.Diagnostics;
using System.Net;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Net;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Hub.Domain.Notifications;

/// <summary>
/// Delivers one webhook event: a guarded POST (the target's addresses checked at connect time, no redirect followed),
/// signed, logged per attempt. A 2xx is delivered; 408, 429, 5xx and network failures are retried with the queue's
/// back-off; other answers (4xx, redirects) fail at once, since sending the same body again would get the same answer.
/// </summary>
public sealed class WebhookDeliveryHandler(GuardedHttp http, IDbContextFactory<HubDbContext> dbFactory, TimeProvider time, ILogger<WebhookDeliveryHandler> logger)
    : IJobHandler
{
    public const string Kind = "webhook";
    public const int MaxAttempts = 6;

    public string Queue => JobQueues.Notify;
    public string RunningState => JobStates.Processing;

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var request = context.Job.Request.Deserialize<WebhookDeliveryRequest>(JobJson.Options)
            ?? throw ImportFailedException.Permanent("validation", "This delivery has no message.");
        Webhook? hook;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            hook = await db.Webhooks.AsNoTracking().FirstOrDefaultAsync(w => w.Id == request.WebhookId, cancellationToken).ConfigureAwait(false);
        }
        if (hook is null)
        {
            await context.CompleteAsync(null, new { skipped = "the webhook was deleted" }, "skipped: the webhook was deleted", null, cancellationToken).ConfigureAwait(false);
            return;
        }

        var watch = Stopwatch.StartNew();
        int? status = null;
        string? error = null;
        ImportFailedException? failure = null;
        try
        {
            using var message = WebhookBodies.Request(hook, request.Message);
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken, followRedirects: false).ConfigureAwait(false);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                var retry = status is 408 or 429 or >= 500;
                error = (int)response.StatusCode is >= 300 and < 400
                    ? $"The target answered {status} (a redirect); webhooks do not follow redirects: give the final URL."
                    : $"The target answered {status} {response.ReasonPhrase}.";
                failure = retry ? ImportFailedException.Retryable($"http-{status}", error) : ImportFailedException.Permanent($"http-{status}", error);
            }
        }
        catch (ImportFailedException ex)
        {
            failure = ex;
            error = ex.Message;
        }
        watch.Stop();

        var last = failure is null || !failure.Transient || context.Job.Failures + 1 >= context.Job.MaxAttempts;
        var outcome = failure is null ? "delivered" : last ? "failed" : "retrying";
        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None).ConfigureAwait(false))
        {
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                WebhookId = hook.Id,
                Event = request.Message.Event,
                JobId = request.JobId,
                Attempt = context.Job.Attempt,
                Outcome = outcome,
                StatusCode = status,
                Error = error,
                DurationMs = (int)watch.ElapsedMilliseconds,
                At = time.GetUtcNow(),
            });
            await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
        }
        if (failure is not null)
        {
            logger.LogWarning("Webhook {Name} ({Event}): {Outcome}: {Error}", hook.Name, request.Message.Event, outcome, error);
            throw failure;
        }
        await context.CompleteAsync(null, new { delivered = status }, $"delivered to {hook.Name} ({status})", null, cancellationToken).ConfigureAwait(false);
    }
}
