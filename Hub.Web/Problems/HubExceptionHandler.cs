using System.Security.Claims;
using Hub.Domain;
using Hub.Domain.Imports;
using Hub.Domain.Storage;
using Hub.Web.Auth;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Web;

/// <summary>
/// Maps domain errors to problem details. Anything else is a 500 whose body carries an error id and no internals; that
/// id, the route and the caller (token id and name, never its secret) go into exactly one log line with the exception,
/// so an operator handed the id finds the cause. (Since .NET 10 the exception middleware logs nothing itself once a
/// handler has taken the exception.)
/// </summary>
public sealed class HubExceptionHandler(ILogger<HubExceptionHandler> logger, RecentErrors recent, TimeProvider time) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem = exception switch
        {
            HubValidationException v => Problems.Validation(v.Field, v.Message),
            HubNotFoundException n => Problems.Create(StatusCodes.Status404NotFound, "not-found", "Not found", n.Message),
            HubConflictException c => Problems.Create(StatusCodes.Status409Conflict, c.Type, "Conflict", c.Message),
            HubForbiddenException f => Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "Not allowed", f.Message),
            ImportFailedException f => Problems.ImportFailed(f),
            _ when DatabaseOutage.Is(exception) => Problems.DatabaseUnavailable(context),
            HubException h => Problems.Create(StatusCodes.Status400BadRequest, h.Type, "Request failed", h.Message),
            BadHttpRequestException b => Problems.Create(b.StatusCode, Problems.TypeForStatus(b.StatusCode) ?? "bad-request", "Bad request", BadRequestDetail(b)),
            _ => Unexpected(context, exception),
        };
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        var writer = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return await writer.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception })
            .ConfigureAwait(false);
    }

    /// <summary>
    /// The framework's words for a body it could not read name Hub's C# parameter ("Failed to read parameter
    /// \"ImportBody body\"…"); say what is wrong with the body instead, with the JSON reader's position.
    /// </summary>
    public static string BadRequestDetail(BadHttpRequestException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.InnerException switch
        {
            System.Text.Json.JsonException { Path: { Length: > 1 } path } json
                when json.Message.StartsWith("The JSON value could not be converted to ", StringComparison.Ordinal) =>
                Expected(json.Message) is { } expected
                    ? $"'{path.TrimStart('$').TrimStart('.')}' must be {expected}."
                    : $"'{path.TrimStart('$').TrimStart('.')}' holds a value of the wrong type for this field.",
            System.Text.Json.JsonException json => $"The request body is not the JSON this endpoint takes: {json.Message}",
            _ when exception.Message.Contains("no body was provided", StringComparison.Ordinal) => "The request needs a JSON body (Content-Type: application/json).",
            _ => exception.Message,
        };
    }

    /// <summary>
    /// What a field takes, in words, from the .NET type System.Text.Json names ("System.Nullable`1[System.Guid]"); null
    /// when it names the containing type instead (it does for strings), which says nothing to a caller.
    /// </summary>
    private static string? Expected(string message)
    {
        var type = message["The JSON value could not be converted to ".Length..];
        type = type[..Math.Max(0, type.IndexOf(". Path:", StringComparison.Ordinal) is var end and >= 0 ? end : type.Length)];
        return type switch
        {
            _ when type.Contains("System.String]", StringComparison.Ordinal) || type.Contains("System.String[]", StringComparison.Ordinal) => "a list of strings",
            _ when type.Contains("Guid", StringComparison.Ordinal) => "an id (a UUID such as 01a23b45-…)",
            _ when type.Contains("Int32", StringComparison.Ordinal) || type.Contains("Int64", StringComparison.Ordinal) => "a whole number",
            _ when type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal)
                || type.Contains("Decimal", StringComparison.Ordinal) => "a number",
            _ when type.Contains("Boolean", StringComparison.Ordinal) => "true or false",
            _ when type.Contains("DateTime", StringComparison.Ordinal) => "a date and time (ISO 8601, e.g. 2026-12-01T10:00:00Z)",
            _ when type.StartsWith("System.String", StringComparison.Ordinal) => "a string",
            _ => null,
        };
    }

    private ProblemDetails Unexpected(HttpContext context, Exception exception)
    {
        var errorId = context.TraceIdentifier;
        var feature = context.Features.Get<IExceptionHandlerPathFeature>();
        // The route pattern, not the path: a signed link's path is its secret.
        var route = (feature?.Endpoint as RouteEndpoint)?.RoutePattern.RawText ?? feature?.Path ?? context.Request.Path.Value ?? "";
        logger.LogError(exception, "Unhandled error {ErrorId} on {Method} {Route} for {Caller}", errorId, context.Request.Method, route, CallerOf(context.User));
        recent.Add(new RecentError(errorId, time.GetUtcNow(), context.Request.Method, route, exception.GetType().Name, exception.Message));
        var problem = Problems.Create(StatusCodes.Status500InternalServerError, "internal", "Internal error",
            $"Something went wrong on the server. Error id: {errorId}.");
        problem.Extensions["errorId"] = errorId;
        return problem;
    }

    private static string CallerOf(ClaimsPrincipal user) => user.FindFirstValue(BearerTokenHandler.TokenIdClaim) is { } id
        ? $"token {id} ({user.Identity?.Name})"
        : "anonymous";
}
