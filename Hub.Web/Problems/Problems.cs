using Hub.Domain;
using Hub.Domain.Imports;
using Hub.Domain.Storage;
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

    /// <summary>The database is down or restarting: 503 with a retry hint, never 500 (the request may well succeed shortly).</summary>
    public static ProblemDetails DatabaseUnavailable(HttpContext context)
    {
        context.Response.Headers.RetryAfter = ((int)DatabaseOutage.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Create(StatusCodes.Status503ServiceUnavailable, DatabaseOutage.ProblemType, "Service unavailable", DatabaseOutage.Message);
    }

    /// <summary>
    /// A URL Hub cannot import (unsupported, blocked, gone: 422) or a site that failed this time (502 when it answered
    /// with an error, 503 when it could not be reached); the type says which, e.g. "blocked-address", "http-404".
    /// </summary>
    public static ProblemDetails ImportFailed(ImportFailedException e) => e.Transient
        ? Create(e.Type.StartsWith("http-", StringComparison.Ordinal) ? StatusCodes.Status502BadGateway : StatusCodes.Status503ServiceUnavailable,
            e.Type, "The source failed; try again later", e.Message)
        : Create(StatusCodes.Status422UnprocessableEntity, e.Type, "Cannot import this", e.Message);

    /// <summary>The stable type of a reply the framework wrote (no handler chose one).</summary>
    public static string? TypeForStatus(int? status) => status switch
    {
        StatusCodes.Status400BadRequest => "bad-request",
        StatusCodes.Status404NotFound => "not-found",
        StatusCodes.Status405MethodNotAllowed => "method-not-allowed",
        StatusCodes.Status413PayloadTooLarge => "too-large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported-media-type",
        _ => null,
    };

    public static HttpValidationProblemDetails Validation(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] })
    {
        Status = StatusCodes.Status400BadRequest,
        Type = TypePrefix + "validation",
        Title = "Invalid request",
        Detail = message,
    };
}
