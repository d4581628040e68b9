using Hub.Domain.Imports;
using Hub.Domain.Net;
using Hub.Domain.Processes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Engines.YtDlp;

/// <summary>What a finished yt-dlp download left in the work folder.</summary>
/// <param name="Info">Metadata printed by the same run (title, id, uploader, …); null if the line was missing.</param>
public sealed record YtDlpDownload(string FilePath, string? ThumbnailPath, ProbeResult? Info);

/// <summary>
/// Runs yt-dlp: probe (-J), search (ytsearch/scsearch) and download with machine-readable progress. Every run reaches
/// the network only through Hub's <see cref="EgressProxy"/> (given in its environment, so the credential stays off the
/// command line), and so does ffmpeg when yt-dlp hands it a URL: it inherits yt-dlp's environment.
/// </summary>
public sealed class YtDlpClient(ProcessRunner runner, EgressProxy proxy, IOptions<HubOptions> options, ILogger<YtDlpClient> logger)
{
    public const int MaxSearchLimit = SourceSearch.MaxLimit;
    public const int MaxQueryLength = SourceSearch.MaxQueryLength;

    private YtDlpOptions Settings => options.Value.YtDlp;

    /// <summary>Which yt-dlp runs: configured, Hub's managed build (with its JavaScript runtime) or the system one.</summary>
    private Tools.YtDlpCommand YtDlp => Tools.ManagedYtDlp.Resolve(options.Value);

    public async Task<ProbeResult> ProbeAsync(Uri url, CancellationToken cancellationToken)
    {
        CheckUrl(url);
        var args = YtDlpArguments.Probe(url, Settings.ForHost(url.Host));
        var stdout = await RunJsonAsync(args, Settings.ProbeTimeout, cancellationToken).ConfigureAwait(false);
        return YtDlpJsonMapper.ToProbeResult(stdout, url);
    }

    /// <param name="source">"youtube", "soundcloud" or "all" (both, interleaved).</param>
    public async Task<IReadOnlyList<SearchResult>> SearchAsync(string query, string source, int limit, CancellationToken cancellationToken)
    {
        query = ValidateSearch(query, source, limit);
        switch (source)
        {
            case "youtube":
                return await SearchOneAsync("ytsearch", "youtube", query, limit, cancellationToken).ConfigureAwait(false);
            case "soundcloud":
                return await SearchOneAsync("scsearch", "soundcloud", query, limit, cancellationToken).ConfigureAwait(false);
        }
        var youtube = SearchOneAsync("ytsearch", "youtube", query, limit, cancellationToken);
        var soundcloud = SearchOneAsync("scsearch", "soundcloud", query, limit, cancellationToken);
        try
        {
            await Task.WhenAll(youtube, soundcloud).ConfigureAwait(false);
        }
        catch (ImportFailedException) when (youtube.IsCompletedSuccessfully || soundcloud.IsCompletedSuccessfully)
        {
            // One source failing still leaves useful results from the other.
            logger.LogWarning("One search source failed: {Error}", (youtube.Exception ?? soundcloud.Exception)?.InnerException?.Message);
        }
        return Interleave(youtube.IsCompletedSuccessfully ? youtube.Result : [], soundcloud.IsCompletedSuccessfully ? soundcloud.Result : [], limit);
    }

    /// <summary>Downloads one item into <paramref name="workDir"/>, reporting progress from yt-dlp's PROG lines.</summary>
    /// <param name="clip">Only this section of the video (yt-dlp's --download-sections); null for all of it.</param>
    /// <param name="subtitles">The subtitles to fetch (the library's choice); null for Hub's setting.</param>
    public async Task<YtDlpDownload> DownloadAsync(Uri url, string workDir, string preset, long? maxBytes, ClipRange? clip, Media.SubtitleChoice? subtitles,
        IProgress<DownloadProgress> progress, CancellationToken cancellationToken)
    {
        CheckUrl(url);
        if (!FormatPresets.IsValid(preset))
        {
            throw new HubValidationException("format", $"Unknown format preset '{preset}'; use one of {string.Join(", ", FormatPresets.All)}.");
        }
        var dir = Path.GetFullPath(workDir);
        Directory.CreateDirectory(dir);
        var ffmpeg = options.Value.Tools.FFmpeg;
        var args = YtDlpArguments.Download(url, dir, preset, Settings.ForHost(url.Host), maxBytes, ffmpeg == "ffmpeg" ? null : ffmpeg,
            subtitles ?? options.Value.Subtitles.For(null), clip);

        var tracker = new ProgressTracker(progress);
        string? file = null;
        string? info = null;
        var spec = new ProcessSpec(YtDlp.Path, [.. YtDlp.ExtraArguments, .. args])
        {
            Timeout = Settings.DownloadTimeout,
            WorkingDirectory = dir,
            Environment = proxy.ToolEnvironment,
            OnStdoutLine = line =>
            {
                if (YtDlpProgressParser.ParseLine(line) is { } p) tracker.Report(p);
                else if (YtDlpProgressParser.TryParseFile(line, out var f)) file = f;
                else if (YtDlpProgressParser.TryParseInfo(line, out var j)) info = j;
            },
        };
        var result = await RunAsync(spec, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw Failure(result);
        }
        if (file is null || !File.Exists(file))
        {
            if (maxBytes is not null)
            {
                throw ImportFailedException.Permanent("too-large", $"The file is larger than the limit of {maxBytes / (1024 * 1024)} MB.");
            }
            throw ImportFailedException.Retryable("yt-dlp", "yt-dlp finished without producing a file. " + YtDlpErrorMapper.LastError(result.Stderr));
        }
        var thumb = Path.ChangeExtension(file, ".jpg");
        return new YtDlpDownload(file, thumb != file && File.Exists(thumb) ? thumb : null, ParseInfo(info, url));
    }

    private ProbeResult? ParseInfo(string? json, Uri url)
    {
        if (json is null)
        {
            return null;
        }
        try
        {
            return YtDlpJsonMapper.ToItem(json, url);
        }
        catch (FormatException ex)
        {
            logger.LogWarning(ex, "Could not read yt-dlp's INFO line");
            return null;
        }
    }

    private async Task<IReadOnlyList<SearchResult>> SearchOneAsync(string prefix, string platform, string query, int limit, CancellationToken cancellationToken)
    {
        var stdout = await RunJsonAsync(YtDlpArguments.Search(prefix, limit, query), Settings.SearchTimeout, cancellationToken).ConfigureAwait(false);
        return YtDlpJsonMapper.ToSearchResults(stdout, platform);
    }

    private async Task<string> RunJsonAsync(List<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var spec = new ProcessSpec(YtDlp.Path, [.. YtDlp.ExtraArguments, .. args]) { Timeout = timeout, Environment = proxy.ToolEnvironment };
        var result = await RunAsync(spec, cancellationToken).ConfigureAwait(false);
        var stdout = result.Stdout.Trim();
        if (!result.Succeeded || stdout.Length == 0 || stdout == "null")
        {
            throw Failure(result);
        }
        return stdout;
    }

    /// <summary>A refusal by the egress proxy is the guard's own error (blocked-address and its reason); the rest is mapped from stderr.</summary>
    private ImportFailedException Failure(ProcessResult result) =>
        proxy.FailureIn(result.Stderr) ?? YtDlpErrorMapper.Map(result.ExitCode, result.Stderr);

    private async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            return await runner.RunAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        catch (ProcessTimeoutException ex)
        {
            throw ImportFailedException.Retryable("timeout", $"yt-dlp took longer than {spec.Timeout} and was stopped.", ex);
        }
        catch (ToolNotFoundException ex)
        {
            throw ImportFailedException.Retryable("tool-missing", $"yt-dlp is not installed on this server ({spec.FileName}).", ex);
        }
    }

    /// <summary>The input rules live in <see cref="SourceSearch"/>; checked again here because the engine must never run on unchecked text.</summary>
    internal static string ValidateSearch(string query, string source, int limit) =>
        SourceSearch.Normalize(query, source, limit) is var search && search.Source == source ? search.Query
            : throw new HubValidationException("source", $"The source must be one of: {string.Join(", ", SourceSearch.Sources)}.");

    internal static IReadOnlyList<SearchResult> Interleave(IReadOnlyList<SearchResult> a, IReadOnlyList<SearchResult> b, int limit)
    {
        var merged = new List<SearchResult>(Math.Min(limit, a.Count + b.Count));
        for (var i = 0; merged.Count < limit && (i < a.Count || i < b.Count); i++)
        {
            if (i < a.Count) merged.Add(a[i]);
            if (i < b.Count && merged.Count < limit) merged.Add(b[i]);
        }
        return merged;
    }

    private static void CheckUrl(Uri url)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw ImportFailedException.Permanent("invalid-url", "Only http and https addresses can be imported.");
        }
    }

    /// <summary>
    /// Video and audio come as separate files (bv*+ba), each counting from zero; bytes of the files already finished
    /// are carried over so the reported bytes never go backwards.
    /// </summary>
    private sealed class ProgressTracker(IProgress<DownloadProgress> progress)
    {
        private long _finishedBytes;

        public void Report(YtDlpProgressLine line)
        {
            var p = line.Progress;
            progress.Report(_finishedBytes == 0 ? p : p with { BytesDone = _finishedBytes + p.BytesDone, BytesTotal = _finishedBytes + p.BytesTotal });
            if (line.Finished)
            {
                _finishedBytes += p.BytesDone;
            }
        }
    }
}
