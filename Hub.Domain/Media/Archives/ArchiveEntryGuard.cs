using System.Reflection;
using Hub.Domain.Imports;
using SharpCompress.Common;
using SharpCompress.Common.Tar;

namespace Hub.Domain.Media.Archives;

/// <summary>
/// What an entry may be before a byte of it is written: a plain file or folder whose path stays inside the folder it is
/// unpacked into. Links (symbolic and hard), device files and FIFOs refuse the whole archive, as do paths that climb out
/// (<c>../</c>), start at a root (<c>/etc</c>) or a drive (<c>C:</c>).
/// </summary>
internal static class ArchiveEntryGuard
{
    /// <summary>The absolute path inside <paramref name="root"/> (a full path) the entry unpacks to.</summary>
    public static string TargetPath(string root, string key)
    {
        var k = key.Replace('\\', '/');
        if (k.Length == 0 || k.Contains('\0'))
        {
            throw Unsafe(key, "an empty or invalid name");
        }
        if (k.StartsWith('/') || (k.Length >= 2 && k[1] == ':' && char.IsAsciiLetter(k[0])))
        {
            throw Unsafe(key, "an absolute path");
        }
        var parts = k.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Contains("..") || parts.Length == 0)
        {
            throw Unsafe(key, "a path that leaves the folder");
        }
        var full = Path.GetFullPath(Path.Combine([root, .. parts]));
        if (!full.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal))
        {
            throw Unsafe(key, "a path that leaves the folder");
        }
        return full;
    }

    /// <summary>Refuses links, devices and FIFOs, whatever the format calls them.</summary>
    public static void CheckKind(IEntry entry)
    {
        var name = entry.Key ?? "?";
        if (!string.IsNullOrEmpty(entry.LinkTarget))
        {
            throw Unsafe(name, $"a link (to {entry.LinkTarget})");
        }
        if (entry is TarEntry && TarTypeFlag(entry) is { } flag && flag is not ((byte)'0' or 0 or (byte)'5' or (byte)'7'))
        {
            throw Unsafe(name, flag switch
            {
                (byte)'1' or (byte)'2' => "a link",
                (byte)'3' or (byte)'4' => "a device file",
                (byte)'6' => "a FIFO",
                _ => $"an entry of tar type '{(char)flag}'",
            });
        }
        // Zip made on Unix: the file type sits in the high half of the external attributes (S_IFMT).
        if (entry.GetType().Name == "ZipEntry" && entry.Attrib is int attrib && ((attrib >> 16) & 0xF000) is var mode and not 0 and not 0x8000 and not 0x4000)
        {
            throw Unsafe(name, mode == 0xA000 ? "a symbolic link" : "a special file (device, FIFO or socket)");
        }
    }

    // SharpCompress keeps tar's type flag internal (links are visible through LinkTarget, devices and FIFOs are not):
    // read it from the header the entry was made from. The tests' device-file case fails if this stops working.
    private static readonly FieldInfo? FilePartField = typeof(TarEntry).GetField("_filePart", BindingFlags.Instance | BindingFlags.NonPublic);

    private static byte? TarTypeFlag(IEntry entry)
    {
        var part = FilePartField?.GetValue(entry);
        var header = part?.GetType().GetProperty("Header", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)?.GetValue(part);
        var type = header?.GetType().GetProperty("EntryType", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)?.GetValue(header);
        return type is null ? null : Convert.ToByte(type);
    }

    public static ImportFailedException Unsafe(string entry, string what) =>
        ImportFailedException.Permanent("archive-unsafe", $"The archive was refused: its entry '{Shorten(entry)}' is {what}. Nothing was imported from it.");

    public static string Shorten(string s) => s.Length <= 120 ? s : s[..117] + "...";
}
