using System.Globalization;
using Hub.Domain.Imports;
using Hub.Domain.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Engines.Torrent;

/// <summary>
/// Magnet links and .torrent files, downloaded by aria2 (<see cref="Aria2Daemon"/>) into the job's work folder. A magnet
/// link first yields its metadata (saved in the folder as <c>HASH.torrent</c>); every download then starts from a
/// .torrent in the folder, added paused so its trackers pass the <see cref="TrackerGuard"/> and only its media files are
/// selected before a byte is fetched. A retry (after a crash of Hub or aria2) adds the same .torrent to the same folder,
/// and aria2 carries on from its control file with the pieces it has.
/// </summary>
public sealed class TorrentEngine(
    Aria2Daemon daemon, TrackerGuard trackers, GuardedHttp http, IOptions<HubOptions> options, TimeProvider time, ILogger<TorrentEngine> logger)
    : IDownloadEngine
{
    internal const string SourceFile = "source.torrent";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    private TorrentOptions Torrents => options.Value.Torrents;

    public string Name => "torrent";

    public bool CanHandle(ImportSource source) => source.Kind == SourceKind.Torrent || source.Url.Scheme == "magnet";

    /// <summary>Refuses torrents when the operator turned them off, in the words every door shows.</summary>
    public static void EnsureEnabled(HubOptions hub)
    {
        if (!hub.Torrents.Enabled)
        {
            throw ImportFailedException.Permanent("torrents-disabled", "Torrents are turned off on this Hub (Hub:Torrents:Enabled).");
        }
    }

    public async Task<DownloadResult> DownloadAsync(DownloadRequest request, IProgress<DownloadProgress> progress, CancellationToken cancellationToken)
    {
        try
        {
            return await DownloadUrlAsync(request, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Mapped(ex) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>aria2's own errors in Hub's words: both may pass (aria2 is restarted, a tracker answers again), so both are retried.</summary>
    private static ImportFailedException? Mapped(Exception ex) => ex switch
    {
        Aria2UnavailableException u => ImportFailedException.Retryable("torrent-engine", "Hub's BitTorrent engine (aria2) is not available: " + u.Message, u),
        Aria2Exception { Code: 1 } a when a.Aria2Message.Contains("Unauthorized", StringComparison.OrdinalIgnoreCase) => ImportFailedException.Retryable(
            "torrent-engine", "The aria2 Hub is set to use refused its RPC secret: Hub:Torrents:RpcSecret must be that aria2's --rpc-secret.", a),
        Aria2Exception a => ImportFailedException.Retryable("torrent", "aria2 refused: " + a.Aria2Message, a),
        _ => null,
    };

    private async Task<DownloadResult> DownloadUrlAsync(DownloadRequest request, IProgress<DownloadProgress> progress, CancellationToken cancellationToken)
    {
        EnsureEnabled(options.Value);
        Directory.CreateDirectory(request.WorkDir);
        var metadata = FindMetadata(request.WorkDir)
            ?? (request.Url.Scheme == "magnet"
                ? await FetchMagnetMetadataAsync(request, cancellationToken).ConfigureAwait(false)
                : await FetchTorrentFileAsync(request, cancellationToken).ConfigureAwait(false));
        return await DownloadTorrentAsync(metadata, request, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A .torrent file that was uploaded (web, Telegram): copied into the work folder, then downloaded like any other.</summary>
    public async Task<DownloadResult> DownloadFileAsync(string torrentFile, DownloadRequest request, IProgress<DownloadProgress> progress, CancellationToken cancellationToken)
    {
        EnsureEnabled(options.Value);
        Directory.CreateDirectory(request.WorkDir);
        var target = Path.Combine(request.WorkDir, SourceFile);
        try
        {
            if (!File.Exists(target))
            {
                var bytes = await File.ReadAllBytesAsync(torrentFile, cancellationToken).ConfigureAwait(false);
                EnsureTorrent(bytes);
                await File.WriteAllBytesAsync(target, bytes, cancellationToken).ConfigureAwait(false);
            }
            return await DownloadTorrentAsync(target, request, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Mapped(ex) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>Whether a file looks like a .torrent (a bencoded dictionary with an info part), whatever its name.</summary>
    public static bool LooksLikeTorrent(string path)
    {
        try
        {
            using var f = File.OpenRead(path);
            var head = new byte[Math.Min(4096, f.Length)];
            f.ReadExactly(head);
            return head.Length > 10 && head[0] == (byte)'d' && System.Text.Encoding.ASCII.GetString(head).Contains("4:info", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void EnsureTorrent(byte[] bytes)
    {
        if (bytes.Length < 10 || bytes[0] != (byte)'d')
        {
            throw ImportFailedException.Permanent("not-torrent", "This is not a .torrent file (it is not bencoded metadata).");
        }
    }

    private static string? FindMetadata(string workDir)
    {
        var source = Path.Combine(workDir, SourceFile);
        if (File.Exists(source)) return source;
        return Directory.EnumerateFiles(workDir, "*.torrent").FirstOrDefault(f => MagnetLink.HexHash(Path.GetFileNameWithoutExtension(f)) is not null);
    }

    private async Task<string> FetchTorrentFileAsync(DownloadRequest request, CancellationToken ct)
    {
        using var response = await http.GetAsync(request.Url, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        HttpFailures.EnsureSuccess(response);
        var limit = Torrents.MaxTorrentFileBytes;
        if (response.Content.Headers.ContentLength > limit)
        {
            throw ImportFailedException.Permanent("too-large", $"This .torrent file is larger than {limit / 1024 / 1024} MiB; it is not a torrent Hub takes.");
        }
        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > limit)
            {
                throw ImportFailedException.Permanent("too-large", $"This .torrent file is larger than {limit / 1024 / 1024} MiB; it is not a torrent Hub takes.");
            }
        }
        var bytes = buffer.ToArray();
        EnsureTorrent(bytes);
        var path = Path.Combine(request.WorkDir, SourceFile);
        await File.WriteAllBytesAsync(path, bytes, ct).ConfigureAwait(false);
        return path;
    }

    /// <summary>Asks the swarm for a magnet link's metadata only; aria2 saves it as HASH.torrent in the work folder.</summary>
    private async Task<string> FetchMagnetMetadataAsync(DownloadRequest request, CancellationToken ct)
    {
        var magnet = MagnetLink.TryParse(request.Url.OriginalString)
            ?? throw ImportFailedException.Permanent("invalid-url", "This magnet link has no BitTorrent info hash (xt=urn:btih:…).");
        var refused = await trackers.RefusedAsync(magnet.Trackers, ct).ConfigureAwait(false);
        EnsureSomeRouteLeft(magnet.Trackers.Count, refused);
        var rpc = await daemon.GetAsync(ct).ConfigureAwait(false);
        var opts = BaseOptions(request.WorkDir, refused);
        opts["bt-metadata-only"] = "true";
        opts["bt-save-metadata"] = "true";
        var gid = await rpc.AddUriAsync(magnet.ToString(), opts, ct).ConfigureAwait(false);
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(Torrents.MetadataTimeoutSeconds);
        try
        {
            while (true)
            {
                var s = await rpc.TellStatusAsync(gid, ct).ConfigureAwait(false);
                if (s.Status == "complete") break;
                if (s.Status is "error" or "removed") throw Failure(s);
                if (time.GetUtcNow() > deadline)
                {
                    throw ImportFailedException.Retryable("stalled",
                        $"No peer sent this magnet link's file list within {Torrents.MetadataTimeoutSeconds} s ({s.Connections} connected). Hub tries again later.");
                }
                await Task.Delay(Poll, time, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            await ForgetAsync(rpc, gid).ConfigureAwait(false);
        }
        var saved = Path.Combine(request.WorkDir, magnet.InfoHash + ".torrent");
        return File.Exists(saved) ? saved
            : throw ImportFailedException.Retryable("torrent", "aria2 finished the magnet link's metadata but did not save it.");
    }

    private async Task<DownloadResult> DownloadTorrentAsync(string metadata, DownloadRequest request, IProgress<DownloadProgress> progress, CancellationToken ct)
    {
        var bytes = await File.ReadAllBytesAsync(metadata, ct).ConfigureAwait(false);
        for (var restarts = 0; ; restarts++)
        {
            var rpc = await daemon.GetAsync(ct).ConfigureAwait(false);
            string? gid = null;
            try
            {
                gid = await AddAsync(rpc, bytes, request, ct).ConfigureAwait(false);
                return await FollowAsync(rpc, gid, request, progress, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (restarts < 3 && !ct.IsCancellationRequested && (ex is Aria2UnavailableException || ex is Aria2Exception { NotFound: true }))
            {
                // aria2 died (and is started again by the daemon): add the torrent again, it resumes from its control file.
                logger.LogWarning("aria2 lost the download ({Error}); adding it again", ex.Message);
            }
            catch (Exception) when (gid is not null)
            {
                await ForgetAsync(rpc, gid).ConfigureAwait(false);
                throw;
            }
        }
    }

    private async Task<string> AddAsync(Aria2Rpc rpc, byte[] torrent, DownloadRequest request, CancellationToken ct)
    {
        var opts = BaseOptions(request.WorkDir, []);
        opts["pause"] = "true";
        var gid = await AddTorrentAsync(rpc, torrent, opts, request.WorkDir, ct).ConfigureAwait(false);
        try
        {
            var status = await rpc.TellStatusAsync(gid, ct).ConfigureAwait(false);
            var refused = await trackers.RefusedAsync(status.Trackers, ct).ConfigureAwait(false);
            EnsureSomeRouteLeft(status.Trackers.Count, refused);
            var files = await rpc.GetFilesAsync(gid, ct).ConfigureAwait(false);
            var chosen = TorrentFiles.Select(files, Torrents.MinMediaFileBytes);
            if (chosen.Count == 0)
            {
                throw ImportFailedException.Permanent("not-media", $"This torrent holds no audio or video files ({TorrentFiles.Describe(files)}).");
            }
            var size = chosen.Sum(f => f.Length);
            if (size > (request.MaxBytes ?? long.MaxValue))
            {
                throw ImportFailedException.Permanent("too-large", $"This torrent's media files add up to {size / 1024 / 1024} MiB, more than the {request.MaxBytes / 1024 / 1024} MiB Hub allows.");
            }
            var change = new Dictionary<string, string> { ["select-file"] = string.Join(',', chosen.Select(f => f.Index.ToString(CultureInfo.InvariantCulture))) };
            if (refused.Count > 0)
            {
                change["bt-exclude-tracker"] = string.Join(',', refused.Select(r => r.Tracker));
                logger.LogWarning("Torrent {Name}: not contacting {Count} tracker(s): {Reasons}", status.Name, refused.Count, string.Join("; ", refused.Select(r => $"{r.Tracker}: {r.Reason}")));
            }
            await rpc.ChangeOptionAsync(gid, change, ct).ConfigureAwait(false);
            await rpc.UnpauseAsync(gid, ct).ConfigureAwait(false);
            logger.LogInformation("Torrent {Name} ({Hash}): fetching {Count} of {Total} files, {Bytes} bytes", status.Name, status.InfoHash, chosen.Count, files.Count, size);
            return gid;
        }
        catch
        {
            await ForgetAsync(rpc, gid).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Adds a torrent; when aria2 still has the same one in this folder (a retry in the same run), that copy is removed first.</summary>
    private static async Task<string> AddTorrentAsync(Aria2Rpc rpc, byte[] torrent, Dictionary<string, string> opts, string workDir, CancellationToken ct)
    {
        try
        {
            return await rpc.AddTorrentAsync(torrent, opts, ct).ConfigureAwait(false);
        }
        catch (Aria2Exception ex) when (ex.Aria2Message.Contains("already registered", StringComparison.OrdinalIgnoreCase))
        {
            var stale = (await rpc.TellAllAsync(ct).ConfigureAwait(false)).Where(s => string.Equals(s.Dir, workDir, StringComparison.Ordinal)).ToList();
            if (stale.Count == 0)
            {
                throw ImportFailedException.Retryable("torrent-busy", "Another import is downloading this same torrent; Hub tries again when it is done.");
            }
            foreach (var s in stale) await ForgetAsync(rpc, s.Gid).ConfigureAwait(false);
            return await rpc.AddTorrentAsync(torrent, opts, ct).ConfigureAwait(false);
        }
    }

    private async Task<DownloadResult> FollowAsync(Aria2Rpc rpc, string gid, DownloadRequest request, IProgress<DownloadProgress> progress, CancellationToken ct)
    {
        var stallAfter = TimeSpan.FromSeconds(Torrents.StallSeconds);
        long lastBytes = -1;
        var lastGain = time.GetUtcNow();
        Aria2Status s;
        while (true)
        {
            s = await rpc.TellStatusAsync(gid, ct).ConfigureAwait(false);
            if (s.Status == "complete") break;
            if (s.Status is "error" or "removed") throw Failure(s);
            var now = time.GetUtcNow();
            if (lastBytes < 0 && s.CompletedLength > 0)
            {
                logger.LogInformation("Torrent {Name}: resuming with {Bytes} of {Total} bytes already in the work folder", s.Name, s.CompletedLength, s.TotalLength);
            }
            if (s.CompletedLength > lastBytes)
            {
                lastBytes = s.CompletedLength;
                lastGain = now;
            }
            else if (!s.Seeding && now - lastGain > stallAfter)
            {
                throw ImportFailedException.Retryable("stalled",
                    $"No peer has sent data for {stallAfter.TotalMinutes:0.#} min ({s.Connections} connected, {s.Seeders} seeding); "
                    + "Hub tries again later and keeps the pieces it has.");
            }
            progress.Report(Progress(s));
            await Task.Delay(Poll, time, ct).ConfigureAwait(false);
        }
        progress.Report(Progress(s) with { SpeedBps = 0, EtaSeconds = 0 });

        var files = (await rpc.GetFilesAsync(gid, ct).ConfigureAwait(false)).Where(f => f.Selected && File.Exists(f.Path)).OrderByDescending(f => f.Length).ToList();
        await ForgetAsync(rpc, gid).ConfigureAwait(false);
        var main = files.FirstOrDefault() ?? throw ImportFailedException.Retryable("torrent", "aria2 reported the torrent complete, but its files are not in the work folder.");
        var title = files.Count == 1 ? Path.GetFileNameWithoutExtension(main.Path) : s.Name ?? Path.GetFileNameWithoutExtension(main.Path);
        // Several files: the download step makes one child import per file (LocalFileSet), named by its path in the torrent.
        return new DownloadResult(files.Count == 1 ? main.Path : request.WorkDir, Path.GetFileName(main.Path), files.Sum(f => f.Length), null, null, null)
        {
            Files = files.Count == 1 ? null : [.. files.Select(f => new LocalFile(f.Path, Path.GetRelativePath(request.WorkDir, f.Path)))],
            Metadata = new ProbeResult
            {
                Url = request.Url.OriginalString,
                Engine = Name,
                Kind = SourceKind.Torrent,
                Title = title,
                Platform = "bittorrent",
                SourceId = files.Count == 1 ? s.InfoHash : null,
                SizeBytes = files.Sum(f => f.Length),
            },
        };
    }

    private static DownloadProgress Progress(Aria2Status s)
    {
        var eta = s.DownloadSpeed > 0 ? (s.TotalLength - s.CompletedLength) / (double)s.DownloadSpeed : (double?)null;
        return new DownloadProgress(s.CompletedLength, s.TotalLength > 0 ? s.TotalLength : null, s.DownloadSpeed, eta)
        {
            Swarm = new Jobs.JobSwarm(s.Connections, s.Seeders, s.UploadSpeed, s.Seeding),
        };
    }

    private Dictionary<string, string> BaseOptions(string workDir, IReadOnlyList<(string Tracker, string Reason)> refused)
    {
        var t = Torrents;
        var opts = new Dictionary<string, string> { ["dir"] = workDir };
        // aria2's seed-ratio 0.0 means "seed forever", so stopping at completion is spelled seed-time=0.
        if (t.SeedRatio <= 0 && t.SeedMinutes <= 0)
        {
            opts["seed-time"] = "0";
        }
        else
        {
            if (t.SeedMinutes > 0) opts["seed-time"] = t.SeedMinutes.ToString(CultureInfo.InvariantCulture);
            opts["seed-ratio"] = t.SeedRatio > 0 ? t.SeedRatio.ToString(CultureInfo.InvariantCulture) : "0.0";
        }
        if (refused.Count > 0) opts["bt-exclude-tracker"] = string.Join(',', refused.Select(r => r.Tracker));
        return opts;
    }

    private void EnsureSomeRouteLeft(int trackerCount, IReadOnlyList<(string Tracker, string Reason)> refused)
    {
        if (trackerCount > 0 && refused.Count == trackerCount && !Torrents.Dht)
        {
            throw ImportFailedException.Permanent("blocked-address", $"Hub will not contact this torrent's trackers: {refused[0].Tracker}: {refused[0].Reason}.");
        }
    }

    private static ImportFailedException Failure(Aria2Status s) => s.Status == "removed"
        ? ImportFailedException.Retryable("torrent-removed", "The download was removed from aria2 outside Hub.")
        : s.ErrorCode switch
        {
            "9" => ImportFailedException.Retryable("disk-full", "The disk Hub downloads to is full (aria2: " + s.ErrorMessage + "). Free some space, then retry the import."),
            "25" or "26" or "27" => ImportFailedException.Permanent("not-torrent", "aria2 cannot read this torrent: " + s.ErrorMessage),
            _ => ImportFailedException.Retryable("torrent", $"aria2 failed ({s.ErrorCode}): {s.ErrorMessage}"),
        };

    /// <summary>Stops a download and drops it from aria2's lists; its files stay (the work folder belongs to the job).</summary>
    private static async Task ForgetAsync(Aria2Rpc rpc, string gid)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            var s = await rpc.TellStatusAsync(gid, cts.Token).ConfigureAwait(false);
            if (s.Status is "active" or "waiting" or "paused")
            {
                await rpc.ForceRemoveAsync(gid, cts.Token).ConfigureAwait(false);
                // Wait until aria2 has let go of the files, so a cancelled job's folder can be deleted.
                while ((await rpc.TellStatusAsync(gid, cts.Token).ConfigureAwait(false)).Status != "removed")
                {
                    await Task.Delay(50, cts.Token).ConfigureAwait(false);
                }
            }
            await rpc.RemoveDownloadResultAsync(gid, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Aria2Exception or Aria2UnavailableException or OperationCanceledException or HttpRequestException)
        {
            // Already gone, or aria2 is gone: nothing left to stop.
        }
    }
}
