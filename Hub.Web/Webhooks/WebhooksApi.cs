using System.Security.Claims;
using Hub.Domain.Jobs;
using Hub.Domain.Notifications;
using Hub.Web.Auth;
using Hub.Web.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Webhooks;

/// <summary>A webhook target on the wire. The secret is shown when it is created (or changed), never in lists.</summary>
public sealed record WebhookDto(Guid Id, string Name, string Url, IReadOnlyList<string> Events, string Format, bool Enabled, string? CreatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, WebhookDeliveryDto? LastDelivery)
{
    public static WebhookDto From(Webhook w, WebhookDelivery? last = null) =>
        new(w.Id, w.Name, w.Url, w.Events, w.Format, w.Enabled, w.CreatedBy, w.CreatedAt, w.UpdatedAt, last is null ? null : WebhookDeliveryDto.From(last));
}

public sealed record CreatedWebhookDto(WebhookDto Webhook, string Secret);

/// <summary>One delivery attempt: <c>outcome</c> is delivered, retrying or failed.</summary>
public sealed record WebhookDeliveryDto(long Id, string Event, Guid? JobId, int Attempt, string Outcome, int? StatusCode, string? Error, int DurationMs, DateTimeOffset At)
{
    public static WebhookDeliveryDto From(WebhookDelivery d) => new(d.Id, d.Event, d.JobId, d.Attempt, d.Outcome, d.StatusCode, d.Error, d.DurationMs, d.At);
}

/// <summary>A new webhook, or (for PATCH) changes to one. <c>format</c>: json, ntfy, gotify, discord, slack.</summary>
public sealed record WebhookBody(string? Name = null, string? Url = null, IReadOnlyList<string>? Events = null, string? Format = null,
    string? Secret = null, bool? Enabled = null);

/// <summary><c>/api/v1/webhooks</c> (admin): targets that hear about completed, failed and review-waiting imports.</summary>
public static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooks(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/webhooks").RequireAuthorization(HubWebServiceCollectionExtensions.AdminPolicy).WithTags("Webhooks")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        g.MapGet("/", List).WithName("ListWebhooks").WithSummary("Every webhook with its last delivery (admin).");
        g.MapPost("/", Create).WithName("CreateWebhook")
            .WithSummary("Register a target (admin): url (guarded like imports), events (job.completed, job.failed, job.awaiting_review, subscription.found, subscription.failing; default all), "
                + "format (json, ntfy, gotify, discord, slack), secret (16+ characters; made for you when left out, shown once).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        g.MapGet("/{id:guid}", Get).WithName("GetWebhook").WithSummary("One webhook (admin).").ProducesProblem(StatusCodes.Status404NotFound);
        g.MapPatch("/{id:guid}", Update).WithName("UpdateWebhook").WithSummary("Change a webhook (admin); fields left out stay.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        g.MapDelete("/{id:guid}", Delete).WithName("DeleteWebhook").WithSummary("Delete a webhook and its delivery log (admin).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        g.MapGet("/{id:guid}/deliveries", Deliveries).WithName("ListWebhookDeliveries")
            .WithSummary("The newest delivery attempts to this target (admin), with status codes and errors.").ProducesProblem(StatusCodes.Status404NotFound);
        g.MapPost("/{id:guid}/test", SendTest).WithName("TestWebhook")
            .WithSummary("Send a test event now (admin); returns the delivery job, which retries and logs like any other.").ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Ok<List<WebhookDto>>> List(WebhookService webhooks, CancellationToken ct)
    {
        var list = new List<WebhookDto>();
        foreach (var w in await webhooks.ListAsync(ct))
        {
            list.Add(WebhookDto.From(w, (await webhooks.DeliveriesAsync(w.Id, 1, ct)).FirstOrDefault()));
        }
        return TypedResults.Ok(list);
    }

    private static async Task<Created<CreatedWebhookDto>> Create(WebhookBody body, ClaimsPrincipal user, WebhookService webhooks, CancellationToken ct)
    {
        var created = await webhooks.CreateAsync(Input(body), user.ToRequester().Key, ct);
        return TypedResults.Created($"/api/v1/webhooks/{created.Id}", new CreatedWebhookDto(WebhookDto.From(created), created.Secret));
    }

    private static async Task<Ok<WebhookDto>> Get(Guid id, WebhookService webhooks, CancellationToken ct) =>
        TypedResults.Ok(WebhookDto.From(await webhooks.GetAsync(id, ct), (await webhooks.DeliveriesAsync(id, 1, ct)).FirstOrDefault()));

    private static async Task<Ok<WebhookDto>> Update(Guid id, WebhookBody body, WebhookService webhooks, CancellationToken ct) =>
        TypedResults.Ok(WebhookDto.From(await webhooks.UpdateAsync(id, Input(body), ct)));

    private static async Task<NoContent> Delete(Guid id, WebhookService webhooks, CancellationToken ct)
    {
        await webhooks.DeleteAsync(id, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<List<WebhookDeliveryDto>>> Deliveries(Guid id, int? limit, WebhookService webhooks, CancellationToken ct) =>
        TypedResults.Ok((await webhooks.DeliveriesAsync(id, limit ?? 50, ct)).Select(WebhookDeliveryDto.From).ToList());

    private static async Task<Accepted<JobDto>> SendTest(Guid id, WebhookService webhooks, CancellationToken ct)
    {
        var job = await webhooks.SendTestAsync(id, ct);
        return TypedResults.Accepted($"/api/v1/jobs/{job.Id}", JobDto.From(job));
    }

    private static WebhookInput Input(WebhookBody b) => new(b.Name, b.Url, b.Events, b.Format, b.Secret, b.Enabled);
}
