namespace Hub.Domain.Tools;

/// <summary>A release's SHA2-256SUMS file: "&lt;64 hex&gt;  &lt;file name&gt;" per line (sha256sum's format, '*' for binary mode).</summary>
public static class Sha256Sums
{
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        var sums = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var space = line.IndexOf(' ');
            if (space != 64 || !line[..64].All(Uri.IsHexDigit))
            {
                continue;
            }
            var name = line[space..].TrimStart(' ', '*');
            if (name.Length > 0)
            {
                sums[name] = line[..64].ToLowerInvariant();
            }
        }
        return sums;
    }
}
