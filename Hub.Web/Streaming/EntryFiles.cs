using System.Globalization;
using System.Security.Claims;
using System.Text;
using Hub.Domain.Access;
using Hub.Domain.Entries;
using Hub.Domain.Stats;
using Hub.Web.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Hub.Web.Streaming;

/// <summary>
/// Serves an entry's file for the authenticated and the signed routes alike. Range, If-Range, conditional GET and
/// HEAD are the framework's (PhysicalFile with range processing): single ranges become 206, unsatisfiable ones 416
/// with <c>Content-Range: bytes */len</c>, and a request for several ranges gets the whole file with 200 (RFC 9110
/// allows ignoring Range). Every GET is recorded as a stream event after its response finished.
/// </summary>
public static class EntryFiles
{
    public static IResult Serve(HttpContext context, Entry entry, string kind, string? tokenLabel)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(entry);
        var file = new FileInfo(entry.FilePath);
        if (!file.Exists)
        {
            return TypedResults.Problem(Problems.Create(StatusCodes.Status404NotFound, "file-missing", "File missing",
                $"The file of entry {entry.Id} is not on disk any more."));
        }
        var range = context.Request.Headers.Range.ToString();
        IgnoreForeignRangeUnits(context.Request);
        var etag = ETag(entry, file);
        var lastModified = new DateTimeOffset(file.LastWriteTimeUtc);
        // The bytes came from somewhere on the internet: a browser must not read a "video" as HTML or script.
        context.Response.Headers.XContentTypeOptions = "nosniff";
        var accel = context.RequestServices.GetRequiredService<IOptions<AccelRedirectOptions>>().Value;
        if (accel.Enabled && AccelRedirect.UriFor(accel, file.FullName) is { } internalUri)
        {
            // nginx in front sends the bytes (and answers Range and validators itself); Hub has checked who may.
            var (status, bytes) = AccelRedirect.Expected(context.Request, file.Length);
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                RecordAccel(context, entry.Id, kind, tokenLabel, range, status, bytes);
            }
            context.Response.Headers[AccelRedirect.Header] = internalUri;
            context.Response.Headers.ContentType = MediaContentTypes.For(entry);
            if (kind == SignedLinks.Download)
            {
                context.Response.Headers.ContentDisposition = AccelRedirect.ContentDisposition(DownloadName(entry));
            }
            return TypedResults.Empty;
        }
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            Record(context, entry.Id, kind, tokenLabel, range);
        }
        return TypedResults.PhysicalFile(file.FullName, MediaContentTypes.For(entry),
            fileDownloadName: kind == SignedLinks.Download ? DownloadName(entry) : null,
            lastModified: lastModified, entityTag: etag, enableRangeProcessing: true);
    }

    /// <summary>
    /// RFC 9110 §14.2: a Range with a unit other than bytes must be ignored; the framework's range processing (which
    /// every file route here uses) would honour "items=0-1".
    /// </summary>
    public static void IgnoreForeignRangeUnits(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var range = request.Headers.Range.ToString();
        if (range.Length > 0 && !range.TrimStart().StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            request.Headers.Remove("Range");
        }
    }

    /// <summary>Strong validator: changes whenever content, size or modification time change.</summary>
    public static EntityTagHeaderValue ETag(Entry entry, FileInfo file)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(file);
        var id = entry.ContentHash is { Length: >= 16 } h ? h[..16] : entry.Id.ToString("N");
        return new EntityTagHeaderValue(string.Create(CultureInfo.InvariantCulture, $"\"{id}-{file.Length:x}-{file.LastWriteTimeUtc.Ticks:x}\""));
    }

    /// <summary>The title as a file name: no path separators, control or reserved characters; the extension of the file.</summary>
    public static string DownloadName(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var sb = new StringBuilder();
        foreach (var c in entry.Title.Normalize(NormalizationForm.FormC))
        {
            sb.Append(char.IsControl(c) || c is '/' or '\\' or '"' or ':' or '*' or '?' or '<' or '>' or '|' ? '_' : c);
        }
        var name = sb.ToString().Trim().Trim('.').Trim();
        if (name.Length > 150) name = name[..150].TrimEnd();
        if (name.Length == 0) name = "entry-" + entry.Id.ToString("N")[..8];
        return name + MediaContentTypes.Extension(entry);
    }

    private static void Record(HttpContext context, Guid entryId, string kind, string? tokenLabel, string range)
    {
        var counter = new CountingBodyFeature(context.Features.Get<IHttpResponseBodyFeature>()!);
        context.Features.Set<IHttpResponseBodyFeature>(counter);
        var recorder = context.RequestServices.GetRequiredService<StreamEventRecorder>();
        var at = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        context.Response.OnCompleted(() =>
        {
            var status = context.Response.StatusCode;
            var expected = status is 200 or 206 ? context.Response.ContentLength ?? 0 : 0;
            var sent = counter.BytesSent;
            recorder.Record(new StreamEvent(entryId, kind, at, status, range.Length == 0 ? null : range, expected, sent,
                Completed: !context.RequestAborted.IsCancellationRequested && sent == expected,
                context.Connection.RemoteIpAddress?.ToString(), context.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null,
                tokenLabel));
            return Task.CompletedTask;
        });
    }

    private static void RecordAccel(HttpContext context, Guid entryId, string kind, string? tokenLabel, string range, int status, long bytes)
    {
        var recorder = context.RequestServices.GetRequiredService<StreamEventRecorder>();
        var at = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        // What nginx was told to send: Hub does not see whether the client read all of it.
        recorder.Record(new StreamEvent(entryId, kind, at, status, range.Length == 0 ? null : range, bytes, bytes, Completed: true,
            context.Connection.RemoteIpAddress?.ToString(), context.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null,
            tokenLabel));
    }

    /// <summary>What a stream event says about who asked: the token id, or "signed".</summary>
    public static string? TokenLabel(ClaimsPrincipal user) => user.FindFirst(BearerTokenHandler.TokenIdClaim)?.Value;
}
