using System.Globalization;
using System.Runtime.InteropServices;

namespace Hub.Domain.Libraries;

/// <summary>
/// Moves a finished file into a library: creates the folders, never overwrites (a taken name becomes
/// "Title (2).mp4", "Title (3).mp4", …), and never leaves a half-written file under a real name.
/// <para>
/// Within one file system the final name is claimed with link(2), which fails instead of overwriting, so two
/// placers racing for the same name both succeed under different names. Across file systems the bytes are copied
/// to a hidden temp name in the destination folder, flushed to disk, and only then linked to the final name.
/// </para>
/// </summary>
public sealed class FilePlacer
{
    private const int MaxAttempts = 10_000;
    private const int EEXIST = 17;
    private const int EXDEV = 18;

    /// <summary>Moves <paramref name="sourceFile"/> to <paramref name="relativePath"/> under the root; returns the final absolute path.</summary>
    public Task<string> PlaceAsync(string sourceFile, string libraryRoot, string relativePath, CancellationToken cancellationToken) =>
        PlaceAsync(sourceFile, libraryRoot, relativePath, forceCopy: false, cancellationToken);

    /// <summary>The absolute root folder of a library: its own if absolute, else under the media folder.</summary>
    public static string ResolveRoot(Library library, HubOptions options)
    {
        ArgumentNullException.ThrowIfNull(library);
        ArgumentNullException.ThrowIfNull(options);
        var root = Path.IsPathRooted(library.RootFolder)
            ? library.RootFolder
            : Path.Combine(options.FullMediaDir, library.RootFolder);
        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    }

    /// <param name="forceCopy">Take the cross-file-system path even on one file system (for tests).</param>
    internal static async Task<string> PlaceAsync(string sourceFile, string libraryRoot, string relativePath, bool forceCopy, CancellationToken cancellationToken)
    {
        var target = PathTemplate.ResolveUnder(libraryRoot, relativePath);
        var source = Path.GetFullPath(sourceFile);
        if (!File.Exists(source))
        {
            throw new FileNotFoundException("The file to place does not exist.", source);
        }
        var folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);

        if (!forceCopy)
        {
            var placed = ClaimByLink(source, target, out var crossDevice);
            if (placed is not null)
            {
                File.Delete(source);
                return placed;
            }
            if (!crossDevice)
            {
                return ClaimByMove(source, target);
            }
        }

        var temp = Path.Combine(folder, $".hub-{Guid.NewGuid():N}.part");
        try
        {
            await CopyDurablyAsync(source, temp, cancellationToken).ConfigureAwait(false);
            var placed = ClaimByLink(temp, target, out _) ?? ClaimByMove(temp, target);
            File.Delete(source);
            return placed;
        }
        finally
        {
            File.Delete(temp); // after a link the temp is a second name of the placed file; after a move it is gone
        }
    }

    /// <summary>"Title.mp4", then "Title (2).mp4", "Title (3).mp4", …</summary>
    public static string CandidateName(string path, int attempt)
    {
        if (attempt <= 1)
        {
            return path;
        }
        var folder = Path.GetDirectoryName(path)!;
        var ext = Path.GetExtension(path);
        var stem = Path.GetFileNameWithoutExtension(path);
        var suffix = string.Create(CultureInfo.InvariantCulture, $" ({attempt})");
        // Keep the name within the 255 bytes file systems allow, even with the suffix.
        stem = PathSegment.Truncate(stem, 250 - System.Text.Encoding.UTF8.GetByteCount(suffix + ext));
        return Path.Combine(folder, stem + suffix + ext);
    }

    /// <summary>Links the file under the first free candidate name; null when hard links cannot be used here.</summary>
    private static string? ClaimByLink(string source, string target, out bool crossDevice)
    {
        crossDevice = false;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var candidate = CandidateName(target, attempt);
            if (Link(source, candidate) == 0)
            {
                return candidate;
            }
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EEXIST)
            {
                continue;
            }
            crossDevice = errno == EXDEV;
            return null; // EXDEV, or a file system without hard links (EPERM, ENOTSUP, …)
        }
        throw new IOException($"No free name for '{target}' after {MaxAttempts} attempts.");
    }

    /// <summary>The fallback on file systems without hard links: a move that refuses to overwrite.</summary>
    private static string ClaimByMove(string source, string target)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var candidate = CandidateName(target, attempt);
            if (File.Exists(candidate) || Directory.Exists(candidate))
            {
                continue;
            }
            try
            {
                File.Move(source, candidate, overwrite: false);
                return candidate;
            }
            catch (IOException) when (File.Exists(candidate))
            {
                // Someone took the name between our check and the move: try the next one.
            }
        }
        throw new IOException($"No free name for '{target}' after {MaxAttempts} attempts.");
    }

    private static async Task CopyDurablyAsync(string source, string temp, CancellationToken cancellationToken)
    {
        const int Buffer = 1 << 20;
        await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, Buffer, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, Buffer, FileOptions.Asynchronous);
        await input.CopyToAsync(output, Buffer, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        output.Flush(flushToDisk: true); // fsync before the file gets its real name
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);
}
