using System.Security.Claims;
using Hub.Domain;
using Hub.Domain.Imports;
using Hub.Web.Auth;
using Hub.Web.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Hub.Web.Imports;

/// <summary>
/// <c>POST /api/v1/imports/upload</c>: a multipart/form-data upload streamed straight to Hub's temp folder (never held
/// in memory), checked for size and type as it arrives, then imported like any other file. For big files on shaky
/// connections, <see cref="ResumableUploadApi"/> takes the same files in chunks.
/// </summary>
public static class UploadApi
{
    private const int MaxFieldLength = 1024;

    /// <summary>The form field the file must come in; any other name is refused so a client's typo is not silently accepted.</summary>
    public const string FileField = "file";

    /// <summary>Multipart framing and small fields around the file, allowed on top of the file limit.</summary>
    private const long FramingAllowance = 64 * 1024;

    public static RouteGroupBuilder MapUpload(this RouteGroupBuilder imports)
    {
        imports.MapPost("/upload", Upload).WithName("UploadFile")
            .WithSummary("Upload a media file (multipart/form-data: the file in the field `file`; optional fields, or query parameters, `library`, `format`, " +
                "`mode` (auto|review: review puts it in the inbox), `door`, as for a URL import): 202 with its job. 400 for a malformed body or a file " +
                "under another field name, 413 over Hub:Uploads:MaxBytes, 415 for other types, 507 when the temp disk lacks the room. To resume after a dropped " +
                "connection, use /api/v1/uploads instead.")
            .Accepts<UploadForm>("multipart/form-data")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status507InsufficientStorage);
        return imports;
    }

    /// <summary>The form's fields, for the OpenAPI document (the handler reads the stream itself).</summary>
    public sealed record UploadForm(IFormFile File, string? Library, string? Format, string? Mode, string? Door);

    private static async Task<Results<Accepted<JobDto>, ProblemHttpResult>> Upload(HttpContext context, ClaimsPrincipal user, ImportService imports,
        ResumableUploadStore room, IOptions<HubOptions> hub, CancellationToken ct)
    {
        var max = hub.Value.Uploads.MaxBytes;
        // Our own limit replaces the server's (30 MB by default) for this route only.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            sizeLimit.MaxRequestBodySize = null;
        }
        if (context.Request.ContentLength > max + FramingAllowance)
        {
            return TooLarge(max);
        }
        if (context.Request.ContentLength is { } declared && room.ShortOfRoom(declared) is { } free)
        {
            return NoRoom(declared, free);
        }
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var contentType)
            || !"multipart/form-data".Equals(contentType.MediaType.Value, StringComparison.OrdinalIgnoreCase))
        {
            return Unsupported("Send the file as multipart/form-data with a `file` part.");
        }
        if (HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 and <= 70 } boundary)
        {
            return Malformed("The Content-Type has no multipart boundary, or one longer than 70 characters (RFC 2046).");
        }

        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        StoredUpload? stored = null;
        try
        {
            // Sections are bounded by our own limits (the file's by MaxBytes), not the reader's default of 128 MB.
            var reader = new MultipartReader(boundary, context.Request.Body) { BodyLengthLimit = max + FramingAllowance };
            while (await Framed(() => reader.ReadNextSectionAsync(ct)) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }
                if (disposition.IsFileDisposition())
                {
                    if (HeaderUtilities.RemoveQuotes(disposition.Name).Value is var partName && !FileField.Equals(partName, StringComparison.Ordinal))
                    {
                        throw new HubValidationException(FileField, $"Send the file in the form field `{FileField}`, not `{partName}`.");
                    }
                    if (stored is not null)
                    {
                        throw new HubValidationException("file", "Upload one file per request.");
                    }
                    var name = TextInput.CleanFileName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value);
                    if (!UploadTypes.IsKnownExtension(name))
                    {
                        return Unsupported(UploadTypes.Refusal(name, []));
                    }
                    stored = await StoreAsync(section.Body, name, Path.Combine(hub.Value.FullTempDir, "uploads"), max, ct);
                    if (stored.Problem is { } problem)
                    {
                        return problem;
                    }
                }
                else if (disposition.IsFormDisposition() && HeaderUtilities.RemoveQuotes(disposition.Name).Value is { Length: > 0 } field)
                {
                    fields[field] = await ReadFieldAsync(section.Body, field, ct);
                }
            }
            if (stored is null)
            {
                throw new HubValidationException("file", "The form has no `file` part.");
            }
            string? Field(string key) => fields.GetValueOrDefault(key) ?? context.Request.Query[key].FirstOrDefault();
            var job = await imports.ImportAsync(new ImportRequest
            {
                UploadedFile = stored.Path,
                FileName = stored.FileName,
                Library = Field("library"),
                Format = NullIfEmpty(Field("format")),
                Mode = NullIfEmpty(Field("mode")) ?? ImportModes.Auto,
                Door = ImportsApi.DoorFor(Field("door")),
                RequestedBy = user.ToRequester().Key,
            }, ct);
            stored = stored with { Path = null }; // the job owns the file now
            return TypedResults.Accepted($"/api/v1/jobs/{job.Id}", JobDto.From(job));
        }
        catch (MalformedBodyException ex)
        {
            return Malformed(ex.Message);
        }
        finally
        {
            if (stored?.Path is { } leftover)
            {
                File.Delete(leftover);
            }
        }
    }

    /// <param name="Path">The stored file; null once it has been refused (and removed) or handed to a job.</param>
    private sealed record StoredUpload(string? Path, string FileName, ProblemHttpResult? Problem);

    /// <summary>Streams the part to disk, checking its first bytes and its size as they arrive; a refused file is removed at once.</summary>
    private static async Task<StoredUpload> StoreAsync(Stream body, string fileName, string folder, long max, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        var path = System.IO.Path.Combine(folder, Guid.NewGuid().ToString("N") + System.IO.Path.GetExtension(fileName).ToLowerInvariant());
        var ok = false;
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
            var buffer = new byte[128 * 1024];
            var head = 0;
            while (head < UploadTypes.SniffLength)
            {
                var n = await Framed(() => body.ReadAsync(buffer.AsMemory(head, UploadTypes.SniffLength - head), ct).AsTask());
                if (n == 0) break;
                head += n;
            }
            if (UploadTypes.Refusal(fileName, buffer.AsSpan(0, head)) is { } refusal)
            {
                return new StoredUpload(null, fileName, Unsupported(refusal));
            }
            long total = head;
            await file.WriteAsync(buffer.AsMemory(0, head), ct);
            int read;
            while ((read = await Framed(() => body.ReadAsync(buffer, ct).AsTask())) > 0)
            {
                total += read;
                if (total > max)
                {
                    return new StoredUpload(null, fileName, TooLarge(max));
                }
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
            if (total == 0)
            {
                throw new HubValidationException("file", "The uploaded file is empty.");
            }
            ok = true;
            return new StoredUpload(path, fileName, null);
        }
        finally
        {
            if (!ok)
            {
                File.Delete(path);
            }
        }
    }

    private static async Task<string> ReadFieldAsync(Stream body, string field, CancellationToken ct)
    {
        using var reader = new StreamReader(body);
        var buffer = new char[MaxFieldLength + 1];
        var n = await Framed(() => reader.ReadBlockAsync(buffer, ct).AsTask());
        return n > MaxFieldLength
            ? throw new HubValidationException(field, $"'{field}' is longer than {MaxFieldLength} characters.")
            : new string(buffer, 0, n).Trim();
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    /// <summary>
    /// A read of the multipart body. The reader reports a body that breaks the framing (truncated, a boundary that
    /// never comes, over-long headers) as a plain <see cref="IOException"/> or an <see cref="InvalidDataException"/>: the
    /// client's fault, so 400. The connection's own errors (subclasses such as BadHttpRequestException) pass unchanged.
    /// </summary>
    private static async Task<T> Framed<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (IOException ex) when (ex.GetType() == typeof(IOException))
        {
            throw new MalformedBodyException("The multipart body ended before its closing boundary: it is truncated, or its boundary is not the one in the Content-Type.");
        }
        catch (InvalidDataException ex)
        {
            throw new MalformedBodyException($"The multipart body is malformed: {ex.Message}");
        }
    }

    private sealed class MalformedBodyException(string message) : HubException("malformed-multipart", message);

    private static ProblemHttpResult Malformed(string detail) => TypedResults.Problem(Problems.Create(StatusCodes.Status400BadRequest,
        "malformed-multipart", "Malformed multipart body", detail));

    internal static ProblemHttpResult TooLarge(long max) => TypedResults.Problem(Problems.Create(StatusCodes.Status413PayloadTooLarge, "too-large",
        "File too large", $"Uploads are limited to {max:N0} bytes (Hub:Uploads:MaxBytes)."));

    internal static ProblemHttpResult Unsupported(string? detail) => TypedResults.Problem(Problems.Create(StatusCodes.Status415UnsupportedMediaType,
        "unsupported-media-type", "Unsupported media type", detail));

    internal static ProblemHttpResult NoRoom(long bytes, long free) => TypedResults.Problem(Problems.Create(StatusCodes.Status507InsufficientStorage,
        "insufficient-storage", "Not enough disk space", $"The file needs {bytes:N0} bytes but Hub's temp disk has {free:N0} free for it (uploads in " +
        "progress count for what they still have to send). Free some space, or ask the operator to."));
}
