using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Hub.Domain.Imports;
using Hub.Domain.Net;

namespace Hub.Domain.Engines.Http;

/// <summary>
/// Direct file downloads over the guarded client: streamed to <c>&lt;name&gt;.part</c> in the work folder with SHA-256
/// computed on the way, resumed with Range/If-Range after a dropped connection (up to 3 times in a row) and across
/// attempts (from the part file and its sidecar), with the size limit enforced up front and while streaming.
/// </summary>
public sealed class HttpDownloadEngine(GuardedHttp http, TimeProvider time, PartFileOpener? openPart = null) : IDownloadEngine
{
    private readonly PartFileOpener _openPart = openPart ?? PartFiles.Open;

    internal const int BufferSize = 256 * 1024;
    private const int MaxResumes = 3;

    public string Name => "http";

    public bool CanHandle(ImportSource source) => source.Kind == SourceKind.DirectFile && HttpProbe.IsHttp(source.Url);

    public async Task<DownloadResult> DownloadAsync(DownloadRequest request, IProgress<DownloadProgress> progress, CancellationToken cancellationToken)
    {
        try
        {
            return await DownloadToDiskAsync(request, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (ImportFailedException.IsDiskFull(ex))
        {
            // Outside the body copy too (the sidecar, the final flush): a full disk is named as such, not "internal".
            throw ImportFailedException.FromDiskWrite(ex);
        }
    }

    private async Task<DownloadResult> DownloadToDiskAsync(DownloadRequest request, IProgress<DownloadProgress> progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(request.WorkDir);
        var part = new PartialDownload(Path.Combine(request.WorkDir, HttpFileName.SafeLocalName(HttpFileName.FromUrl(request.Url)) + ".part"));
        var state = part.Load(request.Url);
        var limit = Math.Min(request.MaxBytes ?? long.MaxValue, http.Options.MaxDownloadBytes);
        var transfer = new Transfer(request.Url, part, limit, new ProgressMeter(progress, time)) { State = state };
        transfer.Writer = await HashingWriter.OpenAsync(_openPart, part.PartPath, resume: state is not null, BufferSize, cancellationToken).ConfigureAwait(false);
        await using (transfer.Writer.ConfigureAwait(false))
        {
            var failures = 0;
            while (true)
            {
                var before = transfer.Writer.Length;
                try
                {
                    if (await ExchangeAsync(transfer, cancellationToken).ConfigureAwait(false))
                    {
                        break;
                    }
                    continue; // the server answered in a way that means "ask again from the start"
                }
                catch (ImportFailedException ex) when (ex.Transient && transfer.Answered && ex.Type is "network" or "timeout")
                {
                    failures = transfer.Writer.Length > before ? 1 : failures + 1;
                    if (failures > MaxResumes)
                    {
                        throw;
                    }
                }
                // Back off briefly: a dropped connection is often a blip, and the job queue retries longer outages.
                await Task.Delay(TimeSpan.FromMilliseconds(250 * (1 << (failures - 1))), time, cancellationToken).ConfigureAwait(false);
            }

            var sha256 = await transfer.Writer.FinishAsync(cancellationToken).ConfigureAwait(false);
            var size = transfer.Writer.Length;
            transfer.Meter.Report(size, size, force: true);
            await transfer.Writer.DisposeAsync().ConfigureAwait(false);

            var fileName = transfer.State?.FileName ?? HttpFileName.FromUrl(request.Url) ?? HttpFileName.Fallback;
            var finalPath = Path.Combine(request.WorkDir, HttpFileName.SafeLocalName(fileName));
            File.Move(part.PartPath, finalPath, overwrite: true);
            part.DeleteSidecar();
            return new DownloadResult(finalPath, fileName, size, transfer.State?.ContentType, sha256, null);
        }
    }

    /// <summary>One request/response. True when the file is complete; false to start again from scratch.</summary>
    private async Task<bool> ExchangeAsync(Transfer t, CancellationToken cancellationToken)
    {
        var have = t.Writer.Length;
        using var request = new HttpRequestMessage(HttpMethod.Get, t.Url);
        if (have > 0 && t.State is { CanResume: true } known)
        {
            request.Headers.Range = new RangeHeaderValue(have, null);
            request.Headers.IfRange = known.ETag is { } etag
                ? new RangeConditionHeaderValue(EntityTagHeaderValue.Parse(etag))
                : new RangeConditionHeaderValue(DateTimeOffset.Parse(known.LastModified!, System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (have > 0)
        {
            t.Restart();
            have = 0;
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        t.Answered = true;
        long? total;
        switch (response.StatusCode)
        {
            case HttpStatusCode.PartialContent when have > 0:
                if (response.Content.Headers.ContentRange is not { From: { } from } range || from != have)
                {
                    t.Restart(); // a range we did not ask for: refuse to splice it in
                    return false;
                }
                total = range.Length;
                break;
            case HttpStatusCode.RequestedRangeNotSatisfiable when have > 0:
                if (t.State?.Length == have || response.Content.Headers.ContentRange?.Length == have)
                {
                    return true; // we already hold every byte; the last attempt died just before finishing
                }
                t.Restart();
                return false;
            case HttpStatusCode.OK:
                if (have > 0)
                {
                    t.Restart(); // If-Range failed (the file changed) or the server ignores Range: start over
                }
                total = response.Content.Headers.ContentLength;
                break;
            default:
                throw response.IsSuccessStatusCode
                    ? ImportFailedException.Permanent("unsupported-content", $"{t.Url.Host} answered HTTP {(int)response.StatusCode} without a file.")
                    : HttpFailures.ForStatus(response);
        }

        var fileName = HttpFileName.From(response, response.RequestMessage?.RequestUri ?? t.Url);
        var contentType = response.Content.Headers.ContentType?.ToString();
        HttpMediaTypes.EnsureDownloadable(contentType, fileName);
        if (total > t.Limit)
        {
            t.Part.Delete();
            throw TooLarge(t, total);
        }
        var etagHeader = response.Headers.ETag is { IsWeak: false } strong ? strong.ToString() : null; // If-Range needs a strong tag
        var lastModified = response.Content.Headers.LastModified?.ToString("R");
        t.State = new PartState(t.Url.AbsoluteUri, etagHeader, lastModified, total, fileName, contentType);
        await t.Part.SaveAsync(t.State, cancellationToken).ConfigureAwait(false);

        await CopyBodyAsync(t, response, total, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task CopyBodyAsync(Transfer t, HttpResponseMessage response, long? total, CancellationToken cancellationToken)
    {
        var readTimeout = TimeSpan.FromSeconds(http.Options.ReadTimeoutSeconds);
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            t.Meter.Report(t.Writer.Length, total, force: true);
            await BodyPump.CopyAsync(body, t.Writer, t.Limit,
                () =>
                {
                    t.Part.Delete();
                    return TooLarge(t, null);
                },
                done => t.Meter.Report(done, total), readTimeout, cancellationToken).ConfigureAwait(false);
            if (total is { } expected && t.Writer.Length < expected)
            {
                throw new IOException($"The connection closed after {t.Writer.Length} of {expected} bytes.");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw ImportFailedException.Retryable("timeout", $"{t.Url.Host} sent nothing for {readTimeout.TotalSeconds:0} s.");
        }
        catch (Exception ex) when ((ex is IOException or HttpRequestException or SocketException) && !cancellationToken.IsCancellationRequested)
        {
            throw HttpFailures.FromException(ex, t.Url);
        }
    }

    private static ImportFailedException TooLarge(Transfer t, long? size) => ImportFailedException.Permanent("too-large",
        size is { } s
            ? $"The file is {s:N0} bytes, more than the limit of {t.Limit:N0} bytes."
            : $"The file is larger than the limit of {t.Limit:N0} bytes.");

    /// <summary>The state of one DownloadAsync call, shared by its exchanges.</summary>
    private sealed class Transfer(Uri url, PartialDownload part, long limit, ProgressMeter meter)
    {
        public Uri Url { get; } = url;
        public PartialDownload Part { get; } = part;
        public long Limit { get; } = limit;
        public ProgressMeter Meter { get; } = meter;
        public HashingWriter Writer { get; set; } = null!;
        public PartState? State { get; set; }
        /// <summary>Whether the server has answered at least once: only then is a network error a drop worth resuming.</summary>
        public bool Answered { get; set; }

        public void Restart()
        {
            Writer.Restart();
            Meter.Reset();
        }
    }
}
