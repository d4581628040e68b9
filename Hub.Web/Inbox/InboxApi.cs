using System.Security.Claims;
using System.Text.Json;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Web.Auth;
using Hub.Web.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Inbox;

/// <summary>Where the classifier would file it, and how sure it was.</summary>
public sealed record SuggestedLibraryDto(Guid? LibraryId, string? Name, double Confidence, string Reason);

/// <summary>An import waiting for review, with what its probe found.</summary>
public sealed record InboxItemDto(JobDto Job, ProbeResult? Probe, SuggestedLibraryDto? Suggested);

public sealed record ApproveBody(string? Library);

/// <summary><c>/api/v1/inbox</c> (admin): imports waiting for review, approve (optionally into another library) or reject.</summary>
public static class InboxApi
{
    public const int MaxItems = 500;

    public static RouteGroupBuilder MapInbox(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/inbox").RequireAuthorization(HubWebServiceCollectionExtensions.AdminPolicy).WithTags("Inbox")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        g.MapGet("/", ListInbox).WithName("ListInbox").WithSummary("Imports waiting for review, oldest first, with their probe and the suggested library.");
        g.MapPost("/{jobId:guid}/approve", Approve).WithName("ApproveInboxItem")
            .WithSummary("Approve an import (optionally into another library: id, slug or name); it goes on to download. 409 when it is not in the inbox.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        g.MapPost("/{jobId:guid}/reject", Reject).WithName("RejectInboxItem")
            .WithSummary("Reject an import: it is cancelled and nothing is downloaded. 409 when it is not in the inbox.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<Ok<List<InboxItemDto>>> ListInbox(ImportService imports, CancellationToken ct) =>
        TypedResults.Ok((await imports.InboxAsync(MaxItems, ct)).Select(ToItem).ToList());

    private static async Task<Ok<JobDto>> Approve(Guid jobId, ApproveBody? body, ClaimsPrincipal user, ImportService imports, CancellationToken ct) =>
        TypedResults.Ok(JobDto.From(await imports.ApproveAsync(jobId, body?.Library, user.ToRequester().Name, ct)));

    private static async Task<Ok<JobDto>> Reject(Guid jobId, ClaimsPrincipal user, ImportService imports, CancellationToken ct) =>
        TypedResults.Ok(JobDto.From(await imports.RejectAsync(jobId, user.ToRequester().Name, ct)));

    public static InboxItemDto ToItem(Job job)
    {
        ImportJobData? data = null;
        try
        {
            data = job.Request.Deserialize<ImportJobData>(JobJson.Options);
        }
        catch (JsonException)
        {
            // A request written by another version: show the job without its details rather than fail the list.
        }
        var c = data?.Classification;
        return new InboxItemDto(JobDto.From(job), data?.Probe, c is null ? null : new SuggestedLibraryDto(c.LibraryId, c.LibraryName, c.Confidence, c.Reason));
    }
}
