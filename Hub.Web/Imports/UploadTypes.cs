
namespace Hub.Web.Imports;

/// <summary>
/// Which uploads Hub takes: a known media extension whose first bytes agree with it (the name alone proves nothing).
/// Archives (zip, rar, 7z, tar, gzip, bzip2, xz) are accepted too, like the HTTP engine accepts them, for the pipeline's archive
/// step to unpack, and .torrent files for the torrent engine; anything else is refused with 415 before more than its first bytes are kept.
/// </summary>
public static class UploadTypes
{
    /// <summary>How many leading bytes are needed to recognise every family (tar's "ustar" sits at offset 257).</summary>
    public const int SniffLength = 512;

    private static readonly Dictionary<string, string> FamilyByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".mp4"] = "iso-bmff", [".m4v"] = "iso-bmff", [".m4a"] = "iso-bmff", [".m4b"] = "iso-bmff", [".mov"] = "iso-bmff", [".3gp"] = "iso-bmff",
        [".webm"] = "ebml", [".mkv"] = "ebml", [".mka"] = "ebml",
        [".mp3"] = "mp3",
        [".ogg"] = "ogg", [".oga"] = "ogg", [".ogv"] = "ogg", [".opus"] = "ogg",
        [".flac"] = "flac",
        [".wav"] = "wav",
        [".avi"] = "avi",
        [".zip"] = "zip", [".rar"] = "rar", [".7z"] = "7z", [".tar"] = "tar", [".gz"] = "gzip", [".tgz"] = "gzip",
        [".bz2"] = "bzip2", [".tbz2"] = "bzip2", [".xz"] = "xz", [".txz"] = "xz",
        // What a .torrent describes is downloaded through the torrent engine (DownloadHandler), not the file itself.
        [".torrent"] = "torrent",
    };

    public static IReadOnlyCollection<string> Extensions => FamilyByExtension.Keys;

    public static bool IsKnownExtension(string? fileName) => FamilyByExtension.ContainsKey(Path.GetExtension(fileName ?? ""));

    /// <summary>The family the leading bytes show, or null when they match none.</summary>
    public static string? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 12 && head.Slice(4, 4).SequenceEqual("ftyp"u8)) return "iso-bmff";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3])) return "ebml";
        if (head.StartsWith("ID3"u8)) return "mp3";
        if (head.StartsWith("OggS"u8)) return "ogg";
        if (head.StartsWith("fLaC"u8)) return "flac";
        if (head.Length >= 12 && head.StartsWith("RIFF"u8))
        {
            var form = head.Slice(8, 4);
            return form.SequenceEqual("WAVE"u8) ? "wav" : form.SequenceEqual("AVI "u8) ? "avi" : null;
        }
        if (head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8)) return "zip";
        if (head.StartsWith("Rar!\x1A\x07"u8)) return "rar";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C])) return "7z";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B])) return "gzip";
        if (head.StartsWith("BZh"u8)) return "bzip2";
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00])) return "xz";
        if (head.Length >= 262 && head.Slice(257, 5).SequenceEqual("ustar"u8)) return "tar";
        if (IsBencodedDictionary(head)) return "torrent";
        // An MPEG audio frame without an ID3 tag: 11 sync bits, then a layer other than "reserved" (which ADTS AAC uses).
        if (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 && (head[1] & 0x06) != 0) return "mp3";
        return null;
    }

    /// <summary>
    /// A torrent's metainfo is a bencoded dictionary whose first key ("announce", "comment", "info"…) is a short
    /// lower-case string: "d8:announce…". (Its "4:info" may lie beyond the bytes sniffed, after a long tracker list.)
    /// </summary>
    private static bool IsBencodedDictionary(ReadOnlySpan<byte> head)
    {
        if (head.Length < 4 || head[0] != (byte)'d')
        {
            return false;
        }
        var i = 1;
        while (i < head.Length && i <= 3 && head[i] is >= (byte)'0' and <= (byte)'9') i++;
        return i > 1 && i < head.Length - 1 && head[i] == (byte)':' && head[i + 1] is >= (byte)'a' and <= (byte)'z';
    }

    /// <summary>Null when the name and the bytes agree on an accepted type; otherwise why not, for a 415.</summary>
    public static string? Refusal(string fileName, ReadOnlySpan<byte> head)
    {
        var extension = Path.GetExtension(fileName);
        if (!FamilyByExtension.TryGetValue(extension, out var expected))
        {
            return $"'{extension}' files are not accepted. Upload one of: {string.Join(" ", FamilyByExtension.Keys.Order())}.";
        }
        var actual = Sniff(head);
        if (actual == expected)
        {
            return null;
        }
        return actual is null
            ? $"The file is named {extension} but its content is not {Named(expected)} file."
            : $"The file is named {extension} but its content is {Named(actual)} file; rename it or upload the right file.";
    }

    /// <summary>A family as people know it, with its article: "an MP4/MOV", "a Matroska/WebM".</summary>
    private static string Named(string family) => family switch
    {
        "iso-bmff" => "an MP4/MOV",
        "ebml" => "a Matroska/WebM",
        "mp3" => "an MP3",
        "ogg" => "an Ogg",
        "flac" => "a FLAC",
        "wav" => "a WAV",
        "avi" => "an AVI",
        "zip" => "a zip",
        "rar" => "a RAR",
        "7z" => "a 7z",
        "tar" => "a tar",
        "gzip" => "a gzip",
        "bzip2" => "a bzip2",
        "xz" => "an xz",
        "torrent" => "a .torrent (BitTorrent metainfo)",
        _ => "a " + family,
    };
}
