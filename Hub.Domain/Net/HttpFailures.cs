using System.Net;
using Hub.Domain.Imports;

namespace Hub.Domain.Net;

/// <summary>Maps HTTP statuses and transport errors onto <see cref="ImportFailedException"/> types people and retries understand.</summary>
public static class HttpFailures
{
    /// <summary>Key in <see cref="Exception.Data"/> holding the server's Retry-After as a <see cref="TimeSpan"/>, when it sent one.</summary>
    public const string RetryAfterKey = "RetryAfter";

    /// <summary>Throws the mapped error unless the status is 2xx.</summary>
    public static void EnsureSuccess(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw ForStatus(response);
        }
    }

    public static ImportFailedException ForStatus(HttpResponseMessage response) =>
        ForStatus((int)response.StatusCode, response.RequestMessage?.RequestUri?.Host ?? "the server", RetryAfter(response));

    public static ImportFailedException ForStatus(int status, string host, TimeSpan? retryAfter = null)
    {
        var error = status switch
        {
            404 => ImportFailedException.Permanent("http-404", $"{host} says the file does not exist (HTTP 404)."),
            410 => ImportFailedException.Permanent("http-410", $"{host} says the file is gone for good (HTTP 410)."),
            401 => ImportFailedException.Permanent("http-401", $"{host} wants a login to give this file (HTTP 401)."),
            403 => ImportFailedException.Permanent("http-403", $"{host} refuses to give this file (HTTP 403)."),
            408 => ImportFailedException.Retryable("http-408", $"{host} timed out waiting for the request (HTTP 408)."),
            429 => ImportFailedException.Retryable("http-429", $"{host} asks us to slow down (HTTP 429)"
                + (retryAfter is { } wait ? $"; try again in {Math.Ceiling(wait.TotalSeconds):0} s." : ".")),
            >= 500 and <= 599 => ImportFailedException.Retryable("http-5xx", $"{host} had a server error (HTTP {status})."),
            _ => ImportFailedException.Permanent($"http-{status}", $"{host} answered HTTP {status}."),
        };
        if (retryAfter is { } after)
        {
            error.Data[RetryAfterKey] = after;
        }
        return error;
    }

    /// <summary>The Retry-After header as a delay from now (seconds or an HTTP date); null when absent.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider? time = null)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - (time ?? TimeProvider.System).GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    /// <summary>A transport failure (refused, reset, TLS, premature end) as a retryable "network" error, unless a policy refusal hides inside.</summary>
    public static ImportFailedException FromException(Exception exception, Uri uri)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is ImportFailedException policy)
            {
                return policy;
            }
        }
        // The innermost cause ("Connection reset by peer"), not HttpClient's "An error occurred while sending the request".
        var cause = exception.GetBaseException();
        var detail = cause == exception || string.IsNullOrWhiteSpace(cause.Message) ? exception.Message : cause.Message;
        return ImportFailedException.Retryable("network", $"Could not fetch from {uri.Host}: {detail}", exception);
    }
}
