using System.Globalization;
using System.Security.Claims;
using Hub.Domain;
using Hub.Domain.Imports;
using Hub.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Hub.Web.Imports;

/// <param name="Offset">Bytes received so far; the next PATCH starts here.</param>
/// <param name="ChunkBytes">How much to send per PATCH (Hub:Uploads:ChunkBytes).</param>
/// <param name="JobId">The import it became once complete (follow it at /api/v1/jobs/{jobId}).</param>
public sealed record ResumableUploadDto(Guid Id, string FileName, long Length, long Offset, DateTimeOffset ExpiresAt, int ChunkBytes, Guid? JobId);

/// <summary>
/// <c>/api/v1/uploads</c>: resumable uploads on the tus 1.0.0 core protocol with its creation, expiration and termination
/// extensions (https://tus.io/protocols/resumable-upload), so a dropped connection costs one chunk, not the file. Written
/// here rather than with a tus server package because none is served to this project and the core is small; it keeps
/// Hub's tokens, limits and problem details, and the finished file enters the same import as <see cref="UploadApi"/>'s.
/// </summary>
public static class ResumableUploadApi
{
    public const string TusVersion = "1.0.0";
    public const string OffsetContentType = "application/offset+octet-stream";
    /// <summary>The import a finished upload became, on the last PATCH's reply and on HEAD.</summary>
    public const string JobIdHeader = "Hub-Job-Id";
    /// <summary>Headers a browser extension must be allowed to send and read (CORS).</summary>
    public static readonly string[] RequestHeaders = ["Tus-Resumable", "Upload-Length", "Upload-Offset", "Upload-Metadata"];
    public static readonly string[] ResponseHeaders = ["Tus-Resumable", "Tus-Version", "Tus-Max-Size", "Tus-Extension", "Upload-Offset", "Upload-Length",
        "Upload-Expires", JobIdHeader];

    private const int MaxMetadataValue = 1024;

    public static RouteGroupBuilder MapResumableUploads(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/uploads").WithTags("Uploads").ProducesProblem(StatusCodes.Status401Unauthorized).AddEndpointFilter(RequireTusVersion);
        g.MapMethods("/", ["OPTIONS"], Capabilities).WithName("UploadCapabilities")
            .WithSummary("tus discovery: Tus-Version, Tus-Extension (creation, expiration, termination) and Tus-Max-Size (Hub:Uploads:MaxBytes).");
        g.MapPost("/", Create).WithName("CreateUpload")
            .WithSummary("Start a resumable upload (tus creation): Upload-Length (bytes) and Upload-Metadata (comma-separated `key base64value`: `filename` " +
                "required; `library`, `format`, `mode`, `door` as for a URL import). 201 with its Location. 413 over Hub:Uploads:MaxBytes, 415 for a file " +
                "type uploads refuse, 507 when the temp disk lacks the room, 400 for bad choices: all checked before any byte is sent.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status507InsufficientStorage).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        g.MapMethods("/{id:guid}", ["HEAD"], Head).WithName("GetUploadOffset")
            .WithSummary("The upload's Upload-Offset (resume from there) and Upload-Length; Hub-Job-Id once it became an import. 404 unknown (or another's), 410 expired.");
        g.MapGet("/{id:guid}", Get).WithName("GetUpload")
            .WithSummary("The same as HEAD, as JSON (needs no Tus-Resumable header).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone);
        g.MapPatch("/{id:guid}", Append).WithName("AppendToUpload")
            .WithSummary("Send the next bytes (Content-Type application/offset+octet-stream) at Upload-Offset; 204 with the new Upload-Offset. The last byte " +
                "starts the import: Hub-Job-Id says which job. 409 when Upload-Offset is not the upload's (HEAD and resume), 413 past Upload-Length, 423 " +
                "while another request writes to it, 415 when the first bytes are not the type the name says (the upload is then removed).")
            .Accepts<Stream>(OffsetContentType)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status423Locked);
        g.MapDelete("/{id:guid}", Delete).WithName("DeleteUpload")
            .WithSummary("Stop an upload and remove what it received (tus termination); an import it already became goes on.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>Every tus request names the protocol version; GET (plain JSON) and OPTIONS (discovery) need not.</summary>
    private static async ValueTask<object?> RequireTusVersion(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        // OnStarting, so the header survives the exception handler clearing the response for a problem.
        http.Response.OnStarting(() =>
        {
            http.Response.Headers["Tus-Resumable"] = TusVersion;
            return Task.CompletedTask;
        });
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method) && http.Request.Headers["Tus-Resumable"] != TusVersion)
        {
            http.Response.Headers["Tus-Version"] = TusVersion;
            return Problem(StatusCodes.Status412PreconditionFailed, "tus-version", "Unsupported protocol version",
                $"Send the header Tus-Resumable: {TusVersion} (the tus protocol version Hub speaks).");
        }
        return await next(context);
    }

    private static NoContent Capabilities(HttpContext context, IOptions<HubOptions> hub)
    {
        context.Response.Headers["Tus-Version"] = TusVersion;
        context.Response.Headers["Tus-Extension"] = "creation,expiration,termination";
        context.Response.Headers["Tus-Max-Size"] = hub.Value.Uploads.MaxBytes.ToString(CultureInfo.InvariantCulture);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Created<ResumableUploadDto>, ProblemHttpResult>> Create(
        [FromHeader(Name = "Upload-Length")] string? uploadLength, [FromHeader(Name = "Upload-Metadata")] string? uploadMetadata,
        HttpContext context, ClaimsPrincipal user, ResumableUploadStore store, IOptions<HubOptions> hub, TimeProvider time, CancellationToken ct)
    {
        var limits = hub.Value.Uploads;
        if (string.IsNullOrEmpty(uploadLength) && context.Request.Headers.ContainsKey("Upload-Defer-Length"))
        {
            throw new HubValidationException("Upload-Length", "Hub needs the length up front (the creation-defer-length extension is not supported).");
        }
        if (!long.TryParse(uploadLength, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length == 0)
        {
            throw new HubValidationException("Upload-Length", "Send Upload-Length: the file's size in bytes (a whole number above 0).");
        }
        if (length > limits.MaxBytes)
        {
            return UploadApi.TooLarge(limits.MaxBytes);
        }
        var metadata = ParseMetadata(uploadMetadata);
        var name = TextInput.CleanFileName(metadata.GetValueOrDefault("filename") ?? metadata.GetValueOrDefault("name"));
        if (name.Length == 0)
        {
            throw new HubValidationException("Upload-Metadata", "Name the file in Upload-Metadata: `filename` followed by the name in base64.");
        }
        if (!UploadTypes.IsKnownExtension(name))
        {
            return UploadApi.Unsupported(UploadTypes.Refusal(name, []));
        }
        if (store.ShortOfRoom(length) is { } free)
        {
            return UploadApi.NoRoom(length, free);
        }
        var upload = new ResumableUpload(Guid.NewGuid(), user.ToRequester().Key, name, length, NullIfEmpty(metadata.GetValueOrDefault("library")),
            NullIfEmpty(metadata.GetValueOrDefault("format")), NullIfEmpty(metadata.GetValueOrDefault("mode")) ?? ImportModes.Auto,
            ImportsApi.DoorFor(metadata.GetValueOrDefault("door")), time.GetUtcNow());
        var status = await store.CreateAsync(upload, ct);
        SetHeaders(context, status);
        return TypedResults.Created($"/api/v1/uploads/{upload.Id}", Dto(status, limits));
    }

    private static async Task<Results<Ok, ProblemHttpResult>> Head(Guid id, HttpContext context, ClaimsPrincipal user, ResumableUploadStore store, CancellationToken ct)
    {
        var status = await FindAsync(store, user, id, ct);
        if (status.Expired)
        {
            return Expired(store, status);
        }
        SetHeaders(context, status);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok();
    }

    private static async Task<Results<Ok<ResumableUploadDto>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal user, ResumableUploadStore store,
        IOptions<HubOptions> hub, CancellationToken ct)
    {
        var status = await FindAsync(store, user, id, ct);
        return status.Expired ? Expired(store, status) : TypedResults.Ok(Dto(status, hub.Value.Uploads));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Append(Guid id, [FromHeader(Name = "Upload-Offset")] string? uploadOffset,
        HttpContext context, ClaimsPrincipal user, ResumableUploadStore store, CancellationToken ct)
    {
        if (!string.Equals(context.Request.ContentType, OffsetContentType, StringComparison.OrdinalIgnoreCase))
        {
            return UploadApi.Unsupported($"Send the bytes as Content-Type: {OffsetContentType}.");
        }
        if (!long.TryParse(uploadOffset, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            throw new HubValidationException("Upload-Offset", "Send Upload-Offset: where these bytes start (HEAD the upload to learn it).");
        }
        using var claim = store.TryClaim(id);
        if (claim is null)
        {
            return Problem(StatusCodes.Status423Locked, "upload-busy", "Upload busy",
                "Another request is still writing to this upload (perhaps one whose connection dropped). Wait a moment, HEAD it and go on from its offset.");
        }
        // Read under the claim: the offset is the data on disk, which no one else is changing now.
        var status = await FindAsync(store, user, id, ct);
        if (status.Expired)
        {
            return Expired(store, status);
        }
        if (offset != status.Offset)
        {
            SetHeaders(context, status);
            return Problem(StatusCodes.Status409Conflict, "offset-mismatch", "Wrong offset",
                $"This upload has {status.Offset:N0} bytes; these start at {offset:N0}. HEAD it and send from Upload-Offset {status.Offset}.");
        }
        if (offset + (context.Request.ContentLength ?? 0) > status.Upload.Length)
        {
            return BeyondLength(status.Upload.Length);
        }
        // Our own bounds (the declared length) replace the server's 30 MB body limit: a client may send it all in one PATCH.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            sizeLimit.MaxRequestBodySize = null;
        }
        long received;
        try
        {
            received = await store.AppendAsync(status, context.Request.Body, ct);
        }
        catch (UploadBeyondLengthException)
        {
            return BeyondLength(status.Upload.Length);
        }
        status = status with { Offset = received };
        if (await RefusalAsync(store, status, offset, ct) is { } refused)
        {
            store.Delete(status.Upload);
            return refused;
        }
        if (status.Complete && status.Upload.JobId is null)
        {
            var job = await store.ImportAsync(status, ct);
            status = status with { Upload = status.Upload with { JobId = job.Id } };
        }
        SetHeaders(context, status);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Delete(Guid id, ClaimsPrincipal user, ResumableUploadStore store, CancellationToken ct)
    {
        var status = await FindAsync(store, user, id, ct);
        using var claim = store.TryClaim(id);
        store.Delete(status.Upload);
        return TypedResults.NoContent();
    }

    /// <summary>The name's type checked against the first bytes, once they are all here (as the one-request upload does).</summary>
    private static async Task<ProblemHttpResult?> RefusalAsync(ResumableUploadStore store, ResumableUploadStatus status, long from, CancellationToken ct)
    {
        var needed = (int)Math.Min(UploadTypes.SniffLength, status.Upload.Length);
        if (from >= needed || status.Offset < needed)
        {
            return null;
        }
        var head = await store.ReadHeadAsync(status.Upload.Id, needed, ct);
        return UploadTypes.Refusal(status.Upload.FileName, head) is { } refusal ? UploadApi.Unsupported(refusal + " The upload was removed.") : null;
    }

    private static async Task<ResumableUploadStatus> FindAsync(ResumableUploadStore store, ClaimsPrincipal user, Guid id, CancellationToken ct) =>
        await store.FindAsync(user.ToRequester(), id, ct)
        ?? throw new HubNotFoundException("upload", $"No upload {id} of yours: it never existed, was removed, or belongs to someone else. Start the file again.");

    private static ProblemHttpResult Expired(ResumableUploadStore store, ResumableUploadStatus status)
    {
        store.Delete(status.Upload);
        return Problem(StatusCodes.Status410Gone, "upload-expired", "Upload expired",
            $"This upload expired at {status.ExpiresAt:u} (nothing arrived for Hub:Uploads:ResumableLifetime) and was removed. Start the file again.");
    }

    private static ProblemHttpResult BeyondLength(long length) => Problem(StatusCodes.Status413PayloadTooLarge, "beyond-length", "Past the declared length",
        $"These bytes would take the upload past its Upload-Length of {length:N0}; nothing of them was kept.");

    private static void SetHeaders(HttpContext context, ResumableUploadStatus status)
    {
        var headers = context.Response.Headers;
        headers["Upload-Offset"] = status.Offset.ToString(CultureInfo.InvariantCulture);
        headers["Upload-Length"] = status.Upload.Length.ToString(CultureInfo.InvariantCulture);
        headers["Upload-Expires"] = status.ExpiresAt.ToString("R", CultureInfo.InvariantCulture);
        if (status.Upload.JobId is { } job)
        {
            headers[JobIdHeader] = job.ToString();
        }
    }

    private static ResumableUploadDto Dto(ResumableUploadStatus s, UploadOptions limits) =>
        new(s.Upload.Id, s.Upload.FileName, s.Upload.Length, s.Offset, s.ExpiresAt, limits.ChunkBytes, s.Upload.JobId);

    /// <summary>tus Upload-Metadata: comma-separated pairs of a key and, after a space, its value in base64.</summary>
    public static Dictionary<string, string> ParseMetadata(string? header)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (header ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split(' ', 2, StringSplitOptions.TrimEntries);
            string value;
            try
            {
                value = parts.Length == 2 ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(parts[1])) : "";
            }
            catch (FormatException)
            {
                throw new HubValidationException("Upload-Metadata", $"The value of `{parts[0]}` in Upload-Metadata is not base64.");
            }
            if (value.Length > MaxMetadataValue)
            {
                throw new HubValidationException("Upload-Metadata", $"`{parts[0]}` in Upload-Metadata is longer than {MaxMetadataValue} characters.");
            }
            values[parts[0]] = value.Trim();
        }
        return values;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) =>
        TypedResults.Problem(Problems.Create(status, type, title, detail));
}
