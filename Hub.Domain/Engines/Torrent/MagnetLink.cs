using System.Text;

namespace Hub.Domain.Engines.Torrent;

/// <summary>A magnet link's parts Hub uses: the info hash (as lower-case hex), the display name and the trackers.</summary>
public sealed record MagnetLink(string InfoHash, string? Name, IReadOnlyList<string> Trackers)
{
    public static bool IsMagnet(string? text) => text?.TrimStart().StartsWith("magnet:", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>Parses <c>magnet:?xt=urn:btih:HASH&amp;dn=…&amp;tr=…</c>; null when it is not a BitTorrent magnet link.</summary>
    public static MagnetLink? TryParse(string text)
    {
        var q = text.Trim();
        var start = q.IndexOf('?', StringComparison.Ordinal);
        if (!IsMagnet(q) || start < 0)
        {
            return null;
        }
        string? hash = null, name = null;
        var trackers = new List<string>();
        foreach (var pair in q[(start + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            var key = pair[..eq].ToLowerInvariant();
            string value;
            try { value = Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' ')); }
            catch (UriFormatException) { return null; }
            switch (key)
            {
                case "xt" when value.StartsWith("urn:btih:", StringComparison.OrdinalIgnoreCase):
                    hash ??= HexHash(value["urn:btih:".Length..]);
                    break;
                case "dn":
                    name ??= value;
                    break;
                case "tr":
                    trackers.Add(value);
                    break;
            }
        }
        return hash is null ? null : new MagnetLink(hash, string.IsNullOrWhiteSpace(name) ? null : name, trackers);
    }

    /// <summary>A v1 info hash in either spelling (40 hex digits or 32 base32 characters) as lower-case hex; null otherwise.</summary>
    public static string? HexHash(string value)
    {
        if (value.Length == 40 && value.All(Uri.IsHexDigit))
        {
            return value.ToLowerInvariant();
        }
        if (value.Length == 32 && Base32(value.ToUpperInvariant()) is { } bytes)
        {
            return Convert.ToHexStringLower(bytes);
        }
        return null;
    }

    private static byte[]? Base32(string s)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var output = new byte[s.Length * 5 / 8];
        int buffer = 0, bits = 0, i = 0;
        foreach (var c in s)
        {
            var v = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (v < 0) return null;
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                output[i++] = (byte)(buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return output;
    }

    public override string ToString()
    {
        var b = new StringBuilder("magnet:?xt=urn:btih:").Append(InfoHash);
        if (Name is not null) b.Append("&dn=").Append(Uri.EscapeDataString(Name));
        foreach (var t in Trackers) b.Append("&tr=").Append(Uri.EscapeDataString(t));
        return b.ToString();
    }
}
