namespace Hub.Domain.Media.Archives;

/// <summary>
/// The <c>Hub:Archives</c> settings: what an archive may unpack to before it is refused as a bomb, and whether the
/// archive itself is kept once its media files are imported. Every cap is checked on the bytes actually written while
/// streaming, never on the sizes an archive's headers claim.
/// </summary>
public sealed class ArchiveOptions
{
    /// <summary>Entries (files and folders) per archive, nested archives included.</summary>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>Bytes all entries may unpack to together (nested archives included).</summary>
    public long MaxUnpackedBytes { get; set; } = 64L << 30;

    /// <summary>Unpacked bytes per packed byte read; video and audio hardly compress, so a high ratio means a bomb.</summary>
    public double MaxRatio { get; set; } = 100;

    /// <summary>The ratio is judged once this much has been unpacked from one archive (tiny text files compress well).</summary>
    public long RatioGraceBytes { get; set; } = 4L << 20;

    /// <summary>Keep the archive (under DataDir/archives) after its files were taken; by default it is deleted.</summary>
    public bool KeepArchive { get; set; }

    public IEnumerable<string> Validate()
    {
        if (MaxEntries < 1) yield return "Hub:Archives:MaxEntries must be at least 1";
        if (MaxUnpackedBytes < 1) yield return "Hub:Archives:MaxUnpackedBytes must be positive";
        if (MaxRatio < 1) yield return "Hub:Archives:MaxRatio must be at least 1";
        if (RatioGraceBytes < 0) yield return "Hub:Archives:RatioGraceBytes must not be negative";
    }
}
