using System.Buffers;
using Hub.Domain.Imports;
using SharpCompress.Archives;
using SharpCompress.Common;
using SharpCompress.Readers;

namespace Hub.Domain.Media.Archives;

/// <param name="PackedRead">Bytes of the outer archive read so far, of <paramref name="PackedTotal"/>.</param>
public sealed record UnpackProgress(long PackedRead, long PackedTotal, long Unpacked, int Entries);

/// <param name="Files">Every file unpacked (nested archives replaced by what they held), full paths.</param>
/// <param name="SkippedArchives">Archives found inside a nested archive: not unpacked (one level deep only).</param>
public sealed record UnpackResult(IReadOnlyList<string> Files, long Bytes, int Entries, int NestedArchives, int SkippedArchives);

/// <summary>
/// Unpacks zip, tar (plain, gz, bz2, xz), 7z and rar through SharpCompress into one folder, and archives found inside
/// one level deep. SharpCompress reads the formats; this class owns the guards it does not have: every entry is checked
/// (<see cref="ArchiveEntryGuard"/>) before it is written, and the caps (entries, bytes, ratio) are counted on what is
/// actually written and read while streaming, so a header that lies changes nothing. A refusal deletes what was
/// written. Memory stays bounded: one forward-only reader and one pooled buffer at a time.
/// </summary>
public static class ArchiveUnpacker
{
    private const int BufferSize = 128 * 1024;

    /// <param name="displayName">The archive's name as the person knows it (an upload sits in the job's folder as
    /// "upload.zip"); errors about the outer archive use it.</param>
    public static UnpackResult Unpack(string archivePath, string destination, ArchiveOptions limits, IProgress<UnpackProgress>? progress,
        CancellationToken cancellationToken, string? displayName = null)
    {
        var root = Path.GetFullPath(destination);
        Directory.CreateDirectory(root);
        var budget = new Budget(limits);
        try
        {
            var outer = new FileInfo(archivePath).Length;
            var files = UnpackOne(archivePath, root, budget, p => progress?.Report(new UnpackProgress(p, outer, budget.Unpacked, budget.Entries)), cancellationToken,
                displayName);
            var result = new List<string>();
            int nested = 0, skipped = 0;
            foreach (var file in files)
            {
                if (ArchiveSniffer.Detect(file) is null)
                {
                    result.Add(file);
                    continue;
                }
                // One level deep: the inner archive's files go beside it, in a folder of its own; archives inside it stay
                // as they are (and are not media, so nothing imports them).
                nested++;
                var inner = UnpackOne(file, file + ".d", budget, null, cancellationToken);
                File.Delete(file);
                foreach (var f in inner)
                {
                    if (ArchiveSniffer.Detect(f) is null) result.Add(f);
                    else skipped++;
                }
            }
            return new UnpackResult(result, budget.Unpacked, budget.Entries, nested, skipped);
        }
        catch
        {
            TryDelete(root);
            throw;
        }
    }

    private static List<string> UnpackOne(string archivePath, string root, Budget budget, Action<long>? reportPacked, CancellationToken cancellationToken,
        string? displayName = null)
    {
        var name = string.IsNullOrWhiteSpace(displayName) ? Path.GetFileName(archivePath) : Path.GetFileName(displayName);
        var format = ArchiveSniffer.Detect(archivePath) ?? throw ImportFailedException.Permanent("archive-damaged", $"'{name}' is not an archive Hub can read.");
        Directory.CreateDirectory(root);
        var files = new List<string>();
        using var file = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var counted = new CountingStream(file);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        IArchive? archive = null;
        try
        {
            var options = new ReaderOptions { LeaveStreamOpen = true };
            // 7z needs random access (its index is at the end); every other format streams forward only.
            IReader reader;
            if (format == "7z")
            {
                archive = ArchiveFactory.OpenArchive(counted, options);
                reader = archive.ExtractAllEntries();
            }
            else
            {
                reader = ReaderFactory.OpenReader(counted, options);
            }
            using (reader)
            {
                long unpackedHere = 0;
                while (reader.MoveToNextEntry())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var entry = reader.Entry;
                    budget.CountEntry();
                    if (entry.IsEncrypted)
                    {
                        throw Encrypted(name);
                    }
                    ArchiveEntryGuard.CheckKind(entry);
                    // A lone gzip/bzip2/xz file may carry no name: call it after the archive.
                    var key = string.IsNullOrEmpty(entry.Key) ? Path.GetFileNameWithoutExtension(name) : entry.Key;
                    var target = ArchiveEntryGuard.TargetPath(root, key);
                    if (entry.IsDirectory)
                    {
                        Directory.CreateDirectory(target);
                        continue;
                    }
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    // Sizes a header declares are only trusted where the format records them reliably.
                    var declared = reader.Type is ArchiveType.Zip or ArchiveType.Tar or ArchiveType.Rar or ArchiveType.SevenZip && entry.Size > 0 ? entry.Size : (long?)null;
                    long written = 0;
                    using (var input = reader.OpenEntryStream())
                    using (var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1))
                    {
                        files.Add(target);
                        int n;
                        while ((n = input.Read(buffer, 0, BufferSize)) > 0)
                        {
                            cancellationToken.ThrowIfCancellationRequested();
                            written += n;
                            unpackedHere += n;
                            budget.Add(n, name);
                            if (declared is { } d && written > d)
                            {
                                throw Bomb(name, $"its entry '{ArchiveEntryGuard.Shorten(key)}' unpacks to more than the {d:N0} bytes its header declares");
                            }
                            budget.CheckRatio(unpackedHere, counted.BytesRead, name);
                            output.Write(buffer, 0, n);
                            reportPacked?.Invoke(Math.Min(counted.BytesRead, file.Length));
                        }
                    }
                    if (declared is { } size && written < size)
                    {
                        // Some readers (tar through a compressor) end quietly where a cut-off archive ends.
                        throw ImportFailedException.Permanent("archive-damaged",
                            $"'{name}' is incomplete: its entry '{ArchiveEntryGuard.Shorten(key)}' ends after {written:N0} of {size:N0} bytes.");
                    }
                }
            }
            return files;
        }
        catch (Exception ex) when (ex is not (ImportFailedException or OperationCanceledException))
        {
            if (ex is IOException io && ImportFailedException.IsDiskFull(io))
            {
                throw ImportFailedException.FromDiskWrite(io);
            }
            if (ex is System.Security.Cryptography.CryptographicException or SharpCompress.Common.CryptographicException || ex.Message.Contains("password", StringComparison.OrdinalIgnoreCase)
                || ex.Message.Contains("encrypt", StringComparison.OrdinalIgnoreCase))
            {
                throw Encrypted(name, ex);
            }
            throw ImportFailedException.Permanent("archive-damaged", $"'{name}' could not be unpacked: it is damaged or incomplete ({ex.Message}).", ex);
        }
        finally
        {
            archive?.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ImportFailedException Encrypted(string name, Exception? inner = null) =>
        ImportFailedException.Permanent("archive-encrypted", $"'{name}' is password-protected; Hub cannot unpack encrypted archives.", inner);

    private static ImportFailedException Bomb(string name, string why) =>
        ImportFailedException.Permanent("archive-bomb", $"'{name}' was refused: {why}. Nothing was imported from it.");

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The job's work folder goes with the job anyway.
        }
    }

    /// <summary>The caps, shared by an archive and the archives inside it.</summary>
    private sealed class Budget(ArchiveOptions limits)
    {
        public long Unpacked { get; private set; }
        public int Entries { get; private set; }

        public void CountEntry()
        {
            if (++Entries > limits.MaxEntries)
            {
                throw ImportFailedException.Permanent("archive-bomb", $"The archive holds more than {limits.MaxEntries:N0} entries (Hub:Archives:MaxEntries). Nothing was imported from it.");
            }
        }

        public void Add(int bytes, string name)
        {
            Unpacked += bytes;
            if (Unpacked > limits.MaxUnpackedBytes)
            {
                throw Bomb(name, $"it unpacks to more than {limits.MaxUnpackedBytes:N0} bytes (Hub:Archives:MaxUnpackedBytes)");
            }
        }

        public void CheckRatio(long unpacked, long packedRead, string name)
        {
            if (unpacked > limits.RatioGraceBytes && unpacked > limits.MaxRatio * Math.Max(packedRead, 1))
            {
                throw Bomb(name, $"it expands more than {limits.MaxRatio:0.#} times (Hub:Archives:MaxRatio): {unpacked:N0} bytes from {packedRead:N0}");
            }
        }
    }
}
