using System.Security.Claims;
using Hub.Domain.Imports;
using Hub.Domain.Subscriptions;
using Hub.Web.Auth;
using Hub.Web.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Subscriptions;

/// <summary>Where the first check starts: from "now" (default: remember what exists), "date" (with date) or "last" (the newest count items).</summary>
public sealed record StartDto(string From, DateTimeOffset? Date, int? Count);

/// <summary>Retention: keep the newest keepLast entries, or those of the last keepDays days; only entries this subscription imported.</summary>
public sealed record RetentionDto(int? KeepLast, int? KeepDays);

/// <summary>A subscription on the wire, with how its checks went. mediaServerFiles: default (Hub's setting), on or off.</summary>
public sealed record SubscriptionDto(Guid Id, string Name, string Url, string? SourceKind, Guid? LibraryId, string? Format, string Mode, int IntervalMinutes,
    int MaxPerCheck, StartDto Start, SubscriptionFilters Filters, RetentionDto Retention, string MediaServerFiles, bool Paused, string? CreatedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? LastCheckAt, DateTimeOffset NextCheckAt, int Checks, int ItemsFound, int ItemsImported, int ItemsSkipped, string? LastError,
    int ConsecutiveFailures)
{
    public static SubscriptionDto From(Subscription s) => new(s.Id, s.Name, s.Url, s.SourceKind, s.LibraryId, s.Format, s.Mode, s.IntervalMinutes,
        s.MaxPerCheck, new StartDto(s.StartFrom, s.StartDate, s.StartCount), s.Filters, new RetentionDto(s.KeepLast, s.KeepDays),
        MediaServerSetting.Name(s.MediaServerFiles), s.Paused, s.CreatedBy,
        s.CreatedAt, s.LastCheckAt, s.NextCheckAt, s.Checks, s.ItemsFound, s.ItemsImported, s.ItemsSkipped, s.LastError, s.ConsecutiveFailures);
}

/// <summary>
/// A new subscription, or (PATCH) the fields to change; fields left out stay. <c>paused: true|false</c> pauses and resumes.
/// url and start are set when subscribing only. library: id, slug or name ("" for the rules to decide per item).
/// mediaServerFiles: default (Hub's Hub:MediaServer:WriteNfo), on or off: .nfo and poster beside its imported videos.
/// </summary>
public sealed record SubscriptionBody(string? Url = null, string? Name = null, string? Library = null, string? Format = null, int? IntervalMinutes = null,
    StartInput? Start = null, string? Mode = null, int? MaxPerCheck = null, SubscriptionFilters? Filters = null, RetentionInput? Retention = null,
    string? MediaServerFiles = null, bool? Paused = null)
{
    public SubscriptionInput ToInput() => new()
    {
        Url = Url, Name = Name, Library = Library, Format = Format, IntervalMinutes = IntervalMinutes, Start = Start, Mode = Mode,
        MaxPerCheck = MaxPerCheck, Filters = Filters, Retention = Retention, MediaServerFiles = MediaServerFiles, Paused = Paused,
    };
}

/// <summary>
/// <c>/api/v1/subscriptions</c>: follow a channel, playlist or feed into a library. Anyone who may import may subscribe;
/// each sees their own subscriptions (admins: all), as <see cref="SubscriptionService"/> decides for every door.
/// </summary>
public static class SubscriptionsApi
{
    public static RouteGroupBuilder MapSubscriptions(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/subscriptions").WithTags("Subscriptions").ProducesProblem(StatusCodes.Status401Unauthorized);
        g.MapGet("/", List).WithName("ListSubscriptions").WithSummary("The caller's subscriptions (admins: everyone's), with last and next check, counts and last error.");
        g.MapPost("/", Create).WithName("CreateSubscription")
            .WithSummary("Follow a URL (a channel or playlist yt-dlp expands, or an RSS/Atom feed): library, format, intervalMinutes (default 60), "
                + "start {from: now|date|last, date, count} (default now: remember what exists, import only what comes later), mode auto|review, "
                + "maxPerCheck (default 10), filters {include, exclude, minDurationSeconds, maxDurationSeconds, skipLive, skipShorts}, retention {keepLast, keepDays}, "
                + "mediaServerFiles default|on|off (.nfo and poster beside its imported videos for Jellyfin, Plex and Kodi; default follows Hub's setting).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        g.MapGet("/{id:guid}", Get).WithName("GetSubscription").WithSummary("One subscription.").ProducesProblem(StatusCodes.Status404NotFound);
        g.MapPatch("/{id:guid}", Update).WithName("UpdateSubscription")
            .WithSummary("Change a subscription; paused true/false pauses or resumes it (resuming checks at the next minute).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        g.MapDelete("/{id:guid}", Delete).WithName("DeleteSubscription").WithSummary("Stop following; what it imported stays in the library.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        g.MapPost("/{id:guid}/check", Check).WithName("CheckSubscription")
            .WithSummary("Check now (paused or not); returns the check job. Asking again within the minute returns the same job.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Ok<List<SubscriptionDto>>> List(ClaimsPrincipal user, SubscriptionService subscriptions, CancellationToken ct) =>
        TypedResults.Ok((await subscriptions.ListAsync(user.ToRequester(), ct)).Select(SubscriptionDto.From).ToList());

    private static async Task<Created<SubscriptionDto>> Create(SubscriptionBody body, ClaimsPrincipal user, SubscriptionService subscriptions, CancellationToken ct)
    {
        var sub = await subscriptions.CreateAsync(user.ToRequester(), Doors.Api, body.ToInput(), ct);
        return TypedResults.Created($"/api/v1/subscriptions/{sub.Id}", SubscriptionDto.From(sub));
    }

    private static async Task<Ok<SubscriptionDto>> Get(Guid id, ClaimsPrincipal user, SubscriptionService subscriptions, CancellationToken ct) =>
        TypedResults.Ok(SubscriptionDto.From(await subscriptions.GetAsync(user.ToRequester(), id, ct)));

    private static async Task<Ok<SubscriptionDto>> Update(Guid id, SubscriptionBody body, ClaimsPrincipal user, SubscriptionService subscriptions, CancellationToken ct) =>
        TypedResults.Ok(SubscriptionDto.From(await subscriptions.UpdateAsync(user.ToRequester(), id, body.ToInput(), ct)));

    private static async Task<NoContent> Delete(Guid id, ClaimsPrincipal user, SubscriptionService subscriptions, CancellationToken ct)
    {
        await subscriptions.DeleteAsync(user.ToRequester(), id, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Accepted<JobDto>> Check(Guid id, ClaimsPrincipal user, SubscriptionService subscriptions, CancellationToken ct)
    {
        var job = await subscriptions.CheckNowAsync(user.ToRequester(), id, ct);
        return TypedResults.Accepted($"/api/v1/jobs/{job.Id}", JobDto.From(job));
    }
}
