using Hub.Domain.Engines;

namespace Hub.Domain.Imports;

/// <summary>The doors that can ask for an import.</summary>
public static class Doors
{
    public const string Web = "web";
    public const string Api = "api";
    public const string Bot = "bot";
    public const string Mcp = "mcp";
    public const string Extension = "extension";
    public const string Cli = "cli";

    public static readonly IReadOnlyList<string> All = [Web, Api, Bot, Mcp, Extension, Cli];
}

public static class ImportModes
{
    /// <summary>File it at once into the best-matching library.</summary>
    public const string Auto = "auto";

    /// <summary>Wait in the review inbox until someone approves it.</summary>
    public const string Review = "review";

    public static bool IsValid(string? mode) => mode is Auto or Review;
}

/// <summary>
/// One thing to import, from any door: a URL (site page or direct file), or a file already on disk (an upload or a
/// Telegram file). Library, format and mode are optional; who asked and through which door is not.
/// </summary>
public sealed record ImportRequest
{
    /// <summary>An http(s) URL. Null when <see cref="UploadedFile"/> is set.</summary>
    public string? Url { get; init; }

    /// <summary>A file already on this machine (moved into the job's work folder).</summary>
    public string? UploadedFile { get; init; }

    /// <summary>The uploaded file's original name.</summary>
    public string? FileName { get; init; }

    /// <summary>Library id, slug or name; null lets the rules decide.</summary>
    public string? Library { get; init; }

    /// <summary>A format preset (see <see cref="FormatPresets"/>); null uses the library's default.</summary>
    public string? Format { get; init; }

    public string Mode { get; init; } = ImportModes.Auto;

    /// <summary>For a playlist URL: import every entry (true) or only the item itself (false).</summary>
    public bool WholePlaylist { get; init; } = true;

    public required string Door { get; init; }

    /// <summary>Who asked: a token name, "telegram:12345", "cli".</summary>
    public string? RequestedBy { get; init; }

    public Guid? ParentId { get; init; }
}

/// <summary>What is stored in a job's <c>request</c> column for import jobs, and grows as the pipeline learns.</summary>
public sealed record ImportJobData
{
    public string? Url { get; init; }
    public string? UploadedFile { get; init; }
    public string? FileName { get; init; }
    public string? Format { get; init; }
    public string Mode { get; init; } = ImportModes.Auto;
    /// <summary>True when the person named the library, so rules do not move it.</summary>
    public bool LibraryChosen { get; init; }
    public bool WholePlaylist { get; init; } = true;
    /// <summary>"http", "yt-dlp" or "upload": set by the probe.</summary>
    public string? Engine { get; init; }
    public ProbeResult? Probe { get; init; }
    public ClassificationNote? Classification { get; init; }
}

public sealed record ClassificationNote(Guid? LibraryId, string? LibraryName, double Confidence, bool NeedsReview, string Reason);

/// <summary>What a finished import job's <c>result</c> says.</summary>
public sealed record ImportOutcome(Guid EntryId, bool Duplicate, string Message, string? FilePath, string? LibraryName);
