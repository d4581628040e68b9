using System.Text.Json;

namespace Hub.Domain.Engines.Http;

/// <summary>
/// The HTTP engine's file while it is still arriving: one <c>&lt;name&gt;.part</c> with its <c>.part.json</c> sidecar
/// (only this engine writes the sidecar, so yt-dlp's fragments and torrent pieces never count). The sidecar names the
/// file and content type the server announced, which say whether a player can start on the first bytes.
/// </summary>
public sealed record GrowingDownload(string PartPath, string FileName, string? ContentType)
{
    private const string PartSuffix = ".part";

    /// <summary>The single growing HTTP download in <paramref name="workDir"/>, or null when there is none (or several).</summary>
    public static GrowingDownload? Find(string workDir)
    {
        if (!Directory.Exists(workDir))
        {
            return null;
        }
        var parts = Directory.EnumerateFiles(workDir, "*" + PartSuffix)
            .Where(p => File.Exists(new PartialDownload(p).SidecarPath)).Take(2).ToList();
        if (parts.Count != 1)
        {
            return null;
        }
        var part = new PartialDownload(parts[0]);
        PartState? state;
        try
        {
            state = JsonSerializer.Deserialize<PartState>(File.ReadAllText(part.SidecarPath));
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null; // being rewritten or just removed: nothing to play this instant
        }
        var name = Path.GetFileName(part.PartPath)[..^PartSuffix.Length];
        return new GrowingDownload(part.PartPath, state?.FileName ?? name, state?.ContentType);
    }
}
