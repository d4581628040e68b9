using Hub.Domain;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Web;

/// <summary>RFC 9457 problem details with a stable <c>type</c> per error: <c>urn:hub:problem:{type}</c>.</summary>
public static class Problems
{
    public const string TypePrefix = "urn:hub:problem:";

    public static ProblemDetails Create(int status, string type, string title, string? detail) => new()
    {
        Status = status,
        Type = TypePrefix + type,
        Title = title,
        Detail = detail,
    };

    public static Task WriteAsync(HttpContext context, int status, string type, string title, string? detail)
    {
        context.Response.StatusCode = status;
        var writer = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return writer.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = Create(status, type, title, detail) }).AsTask();
    }

    /// <summary>Maps domain errors to problem details; anything else is a 500 with an error id and no internals.</summary>
    public sealed class HubExceptionHandler : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            ProblemDetails problem = exception switch
            {
                HubValidationException v => Validation(v.Field, v.Message),
                HubNotFoundException n => Create(StatusCodes.Status404NotFound, "not-found", "Not found", n.Message),
                HubConflictException c => Create(StatusCodes.Status409Conflict, c.Type, "Conflict", c.Message),
                HubException h => Create(StatusCodes.Status400BadRequest, h.Type, "Request failed", h.Message),
                BadHttpRequestException b => Create(b.StatusCode, "bad-request", "Bad request", b.Message),
                _ => Create(StatusCodes.Status500InternalServerError, "internal", "Internal error",
                    $"Something went wrong on the server. Error id: {context.TraceIdentifier}."),
            };
            context.Response.StatusCode = problem.Status ?? 500;
            var writer = context.RequestServices.GetRequiredService<IProblemDetailsService>();
            return await writer.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception }).ConfigureAwait(false);
        }
    }

    public static HttpValidationProblemDetails Validation(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] })
    {
        Status = StatusCodes.Status400BadRequest,
        Type = TypePrefix + "validation",
        Title = "Invalid request",
        Detail = message,
    };
}
