namespace Hub.Domain.Media.Archives;

/// <summary>
/// Recognises an archive by its first bytes, whatever its name says: a zip called <c>clip.mp4</c> is still a zip, and a
/// text file called <c>clips.zip</c> is not one.
/// </summary>
public static class ArchiveSniffer
{
    /// <summary>How many leading bytes are needed (tar's "ustar" sits at offset 257).</summary>
    public const int SniffLength = 512;

    /// <summary>"zip", "rar", "7z", "gzip", "bzip2", "xz" or "tar"; null when the file is not an archive Hub unpacks.</summary>
    public static string? Detect(string path)
    {
        Span<byte> head = stackalloc byte[SniffLength];
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return Detect(head[..n]);
    }

    public static string? Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8) || head.StartsWith("PK\x07\x08"u8)) return "zip";
        if (head.StartsWith("Rar!\x1A\x07"u8)) return "rar";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C])) return "7z";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B])) return "gzip";
        if (head.Length >= 4 && head.StartsWith("BZh"u8) && head[3] is >= (byte)'1' and <= (byte)'9') return "bzip2";
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00])) return "xz";
        if (head.Length >= 262 && head.Slice(257, 5).SequenceEqual("ustar"u8)) return "tar";
        return null;
    }
}
